/** The failure digest's read: failures among the filtered runs, from the insight counts. */
import { and, sql, sum } from 'drizzle-orm';
import type { ExecutionsDatabase } from '../db/database.js';
import { asPlaceholders, preparedByShape } from '../db/prepared.js';
import { countsName, type InsightCounts } from '../list/counts.js';
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
  // Without a chart the counts are the insight ones, daily or monthly.
  const counts = countsForFilters(filters, null) as InsightCounts;
  const query = preparedByShape(db, digestShape(filters), (name) => digestFailuresQuery(db, filters, counts).prepare(name));
  const rows = await query.execute({ organizationId, ...filterBindings(filters), limit });
  return rows.map(({ kind: [tool, signature], runs, agents }) => ({ tool, signature, runs, agents }));
}

/** The key of a prepared digest query: the filters' shape and which counts their dates allow. */
export const digestShape = (filters: ExecutionFilters) =>
  `digest ${filterShape(filters)} ${countsName(countsForFilters(filters, null))}`;

/** The digest's query with placeholders, unexecuted. */
export function digestFailuresQuery(db: ExecutionsDatabase, filters: ExecutionFilters, c: InsightCounts) {
  return db
    .select({
      // As JSON: the digest links to each kind by these exact values, and PGlite's driver drops a
      // byte-order mark at the start of a text value (its decoder's default); inside JSON it stays.
      kind: sql<[tool: string, signature: string]>`json_build_array(${c.failedTool}, ${c.errorSignature})`,
      runs: sum(c.runs).mapWith(Number),
      // A (period, agent) row that went back to zero runs is not an agent that failed.
      agents: sql<number>`count(distinct ${c.agentId}) filter (where ${c.runs} > 0)`.mapWith(Number),
    })
    .from(c.table)
    .where(and(countsWhere(c, filters, asPlaceholders), sql`${c.status} = 'failed'`))
    .groupBy(c.failedTool, c.errorSignature)
    .having(sql`sum(${c.runs}) > 0`)
    .orderBy(sql`3 desc`, c.failedTool, c.errorSignature)
    .limit(sql.placeholder('limit'));
}
