/**
 * The indexes the list's sorts walk (schema.ts holds the table): by credits and by duration, each
 * way, alone and behind each filter.
 */
import { sql } from 'drizzle-orm';
import { index, type ExtraConfigColumn } from 'drizzle-orm/pg-core';

type Columns = Record<
  | 'organizationId'
  | 'id'
  | 'scheduleId'
  | 'agentId'
  | 'status'
  | 'startedAt'
  | 'startedWeek'
  | 'creditSpike'
  | 'failedTool'
  | 'errorSignature'
  | 'creditsAscKey'
  | 'creditsDescKey'
  | 'durationAscKey'
  | 'durationDescKey',
  ExtraConfigColumn
>;

/**
 * The sortable columns, each way: the forward walk reads a page in order, the backward one the
 * page before a cursor. Each also behind each filter that an index leads with (the status, the
 * agent) and within the rare sets (credit spikes, one kind of failure): a filter whose runs sit
 * at the far end of an order (Failed runs' credits above most Completed ones', a costly agent's
 * above the others') would otherwise be found only after walking past every run of the rest.
 */
export function sortIndexes(t: Columns) {
  return (['creditsAscKey', 'creditsDescKey', 'durationAscKey', 'durationDescKey'] as const).flatMap((key) => {
    // A column's desc() is read as on() takes it: each index asks for its own.
    const order = () => (key.endsWith('AscKey') ? [t[key], t.startedAt, t.id] : [t[key].desc(), t.startedAt.desc(), t.id.desc()]);
    const name = t[key].name;
    const scheduled = sql`${t.scheduleId} is not null`;
    return [
      index(`xa_executions_org_${name}_idx`)
        .on(t.organizationId, ...order())
        .where(scheduled),
      index(`xa_executions_org_status_${name}_idx`)
        .on(t.organizationId, t.status, ...order())
        .where(scheduled),
      index(`xa_executions_org_agent_${name}_idx`)
        .on(t.organizationId, t.agentId, ...order())
        .where(scheduled),
      // The rare sets carry the other filters' columns after the order: a second filter is checked
      // on the index's entries as the walk passes them, not on every run's row, and an agent whose
      // runs sit at the far end of the set's order costs a walk of small entries.
      index(`xa_executions_org_spike_${name}_idx`)
        .on(t.organizationId, ...order(), t.agentId, t.status)
        .where(sql`${t.scheduleId} is not null and ${t.creditSpike}`),
      index(`xa_executions_org_failure_${name}_idx`)
        .on(t.organizationId, t.failedTool, t.errorSignature, ...order(), t.agentId, t.creditSpike)
        .where(sql`${t.scheduleId} is not null and ${t.status} = 'failed'`),
      // A week's runs in each order, a status's and an agent's: a date range with a sort
      // (list/week-slices.ts). A status's own, as Active and Pending runs end every order.
      index(`xa_executions_org_week_${name}_idx`)
        .on(t.organizationId, t.startedWeek, ...order())
        .where(scheduled),
      index(`xa_executions_org_status_week_${name}_idx`)
        .on(t.organizationId, t.status, t.startedWeek, ...order())
        .where(scheduled),
      index(`xa_executions_org_agent_week_${name}_idx`)
        .on(t.organizationId, t.agentId, t.startedWeek, ...order())
        .where(scheduled),
      // An agent's failed runs ("Failed" and an agent, the runs to act on): an agent's failures can
      // sit at the far end of both the agent's order and the failures' (docs/performance.md).
      index(`xa_executions_org_agent_failed_${name}_idx`)
        .on(t.organizationId, t.agentId, ...order())
        .where(sql`${t.scheduleId} is not null and ${t.status} = 'failed'`),
    ];
  });
}
