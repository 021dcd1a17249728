/** The failure digest's read: failures among the filtered runs, from the count tables. */
import { and, sql } from 'drizzle-orm';
import type { ExecutionsDatabase } from '../db/database.js';
import { asPlaceholders, preparedByShape } from '../db/prepared.js';
import { countsName, MONTHLY, type FailureCounts, type InsightCounts } from '../list/counts.js';
import { countsForFilters, filterBindings, filterShape, type ExecutionFilters } from '../list/filter-set.js';
import type { FailureKind } from '../list/filters.js';
import { countsWhere } from '../list/summary-query.js';

export interface FailureGroup extends FailureKind {
  runs: number;
  agents: number;
}

/** Failures among the runs matching the filters, by first failed tool and error signature, most runs first. */
export async function digestFailures(
  db: ExecutionsDatabase,
  organizationId: string,
  filters: ExecutionFilters,
  limit: number,
): Promise<FailureGroup[]> {
  const applied = digestFilters(filters);
  if (applied === null) return [];
  const query = preparedByShape(db, digestShape(applied), (name) => digestFailuresQuery(db, applied).prepare(name));
  const rows = await query.execute({ organizationId, ...filterBindings(applied), limit });
  return rows.map(({ kind: [tool, signature], runs, agents }) => ({ tool, signature, runs, agents }));
}

/**
 * The filters as the digest applies them: every run it counts is failed, so Failed filters nothing
 * more, and another status leaves no run (null).
 */
export function digestFilters(filters: ExecutionFilters): ExecutionFilters | null {
  if (filters.status === null) return filters;
  return filters.status === 'failed' ? { ...filters, status: null } : null;
}

/** The key of a prepared digest query: the filters' shape and which counts they allow. */
export const digestShape = (filters: ExecutionFilters) =>
  `digest ${filterShape(filters)} ${countsName(countsForFilters(filters, null))}`;

/**
 * The digest's query for filters as digestFilters gives them, with placeholders, unexecuted: the
 * page's kinds ranked by their runs first, then each one's agents, counted for those kinds only
 * from the rows that hold the agent — a count of distinct agents over every kind's rows sorted
 * them all, where the ranking alone is a hash of sums.
 */
export function digestFailuresQuery(db: ExecutionsDatabase, filters: ExecutionFilters) {
  const c = countsForFilters(filters, null);
  const ranked = ('agentId' in c ? summedKinds(db, filters, c) : storedKinds(db, filters, c)).as('ranked');
  // The failure counts hold no agent: over all time, the monthly counts hold the same runs by agent.
  const a = 'agentId' in c ? c : MONTHLY;
  const agents = db
    .select({ n: sql<number>`count(distinct ${a.agentId})` })
    .from(a.table)
    .where(
      and(
        countsWhere(a, filters, asPlaceholders),
        sql`${a.status} = 'failed'`,
        sql`${a.failedTool} = ${ranked.tool}`,
        sql`${a.errorSignature} = ${ranked.signature}`,
        // A (period, agent) row that went back to zero runs is not an agent that failed.
        sql`${a.runs} > 0`,
      ),
    );
  return db
    .select({
      // As JSON: the digest links to each kind by these exact values, and PGlite's driver drops a
      // byte-order mark at the start of a text value (its decoder's default); inside JSON it stays.
      kind: sql<[tool: string, signature: string]>`json_build_array(${ranked.tool}, ${ranked.signature})`,
      runs: sql<number>`${ranked.runs}`.mapWith(Number),
      agents: sql<number>`(${agents})`.mapWith(Number),
    })
    .from(ranked)
    .orderBy(sql`${ranked.runs} desc`, ranked.tool, ranked.signature);
}

/** Over a period or for agents: the keyed counts' failed rows summed by kind, most runs first. */
function summedKinds(db: ExecutionsDatabase, filters: ExecutionFilters, c: InsightCounts) {
  const runs = sql<number>`sum(${c.runs})::bigint`;
  return db
    .select({
      tool: sql<string>`${c.failedTool}`.as('tool'),
      signature: sql<string>`${c.errorSignature}`.as('signature'),
      runs: runs.as('runs'),
    })
    .from(c.table)
    .where(and(countsWhere(c, filters, asPlaceholders), sql`${c.status} = 'failed'`))
    .groupBy(c.failedTool, c.errorSignature)
    .having(sql`${runs} > 0`)
    .orderBy(sql`3 desc`, c.failedTool, c.errorSignature)
    .limit(sql.placeholder('limit'));
}

/** Over all time and agents: the failure counts' own rows, one per kind, most runs first. */
function storedKinds(db: ExecutionsDatabase, filters: ExecutionFilters, k: FailureCounts) {
  return db
    .select({
      tool: sql<string>`${k.failedTool}`.as('tool'),
      signature: sql<string>`${k.errorSignature}`.as('signature'),
      runs: sql<number>`${k.runs}`.as('runs'),
    })
    .from(k.table)
    .where(and(countsWhere(k, filters, asPlaceholders), sql`${k.runs} > 0`))
    .orderBy(sql`3 desc`, k.failedTool, k.errorSignature)
    .limit(sql.placeholder('limit'));
}
