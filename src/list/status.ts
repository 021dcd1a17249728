/** A run's status as the page colours it; its name is the message table's. */
import type { ExecutionStatus } from '../db/schema.js';
import type { Messages } from '../i18n/messages.js';

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

export function statusBadge(status: ExecutionStatus, messages: Messages): StatusBadge {
  return { label: messages.statuses[status], colour: STATUS_COLOURS[status] };
}
