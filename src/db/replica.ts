/**
 * A read replica's state as the list sees it: how far behind the primary it is, or down. A replica
 * that has replayed all it received while still streaming is caught up, however long ago the
 * primary last wrote; otherwise its age is the time since the last transaction it replayed (with
 * streaming stopped, that is the most it can say). A server not in recovery is the primary itself.
 */
import { sql } from 'drizzle-orm';
import { isDatabaseUnavailable, type ExecutionsDatabase } from './database.js';
import { rowsOf } from './raw-rows.js';

export type ReplicaState = { down: false; behindMs: number } | { down: true };

const lagQuery = sql`
  select case
    when not pg_is_in_recovery() then 0
    when pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
         and exists (select 1 from pg_stat_wal_receiver where status = 'streaming') then 0
    else coalesce(extract(epoch from clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000, 0)
  end::float8 as behind_ms`;

/**
 * Within `timeoutMs`, or down: a replica that does not answer at once must not cost the page its
 * deadline when the primary can answer instead.
 */
export async function replicaState(db: ExecutionsDatabase, timeoutMs: number): Promise<ReplicaState> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<ReplicaState>((resolve) => {
    timer = setTimeout(() => resolve({ down: true }), timeoutMs);
  });
  const asked = rowsOf(db, lagQuery).then(
    (rows): ReplicaState => ({ down: false, behindMs: Math.max(0, Number(rows[0]?.behind_ms ?? 0)) }),
    (error: unknown): ReplicaState => {
      if (isDatabaseUnavailable(error)) return { down: true };
      throw error;
    },
  );
  try {
    return await Promise.race([asked, late]);
  } finally {
    clearTimeout(timer);
  }
}
