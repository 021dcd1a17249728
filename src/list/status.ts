/** A run's status as the page names and colours it. */
import type { ExecutionStatus } from '../db/schema.js';

export const STATUS_LABELS: Record<ExecutionStatus, string> = {
  active: 'Active',
  completed: 'Completed',
  pending: 'Pending',
  failed: 'Failed',
};

/** The spec's badge colours: green Active, blue Completed, yellow Pending, red Failed. */
export const STATUS_COLOURS: Record<ExecutionStatus, 'green' | 'blue' | 'yellow' | 'red'> = {
  active: 'green',
  completed: 'blue',
  pending: 'yellow',
  failed: 'red',
};

/** The order the Status filter offers them in, as the spec lists them; the chart stacks them so. */
export const STATUS_ORDER: ExecutionStatus[] = ['active', 'completed', 'pending', 'failed'];

export interface StatusBadge {
  label: string;
  colour: (typeof STATUS_COLOURS)[ExecutionStatus];
}

export function statusBadge(status: ExecutionStatus): StatusBadge {
  return { label: STATUS_LABELS[status], colour: STATUS_COLOURS[status] };
}
