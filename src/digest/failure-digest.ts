/**
 * The failure digest's use case: the failed runs among the list's filtered set, grouped by their
 * first failed tool and normalised error — the spec's advice to suspect the tool when a schedule
 * keeps failing at the same step, as a view.
 */
import type { ExecutionsDatabase } from '../db/database.js';
import { listAgents, type AgentOption, type Organization } from '../db/organization.js';
import { checkQuery } from '../list/execution-list.js';
import type { FieldErrors } from '../list/filter.js';
import { countableOnly, filtersFor } from '../list/filter-set.js';
import type { ExecutionQuery, ParsedQuery } from '../list/query.js';
import { digestFailures, type FailureGroup } from './repository.js';

/** Groups beyond this many are left off, and the digest says so. */
export const DIGEST_LIMIT = 50;

export interface FailureDigest {
  query: ExecutionQuery;
  errors: FieldErrors;
  agents: AgentOption[];
  /** Most runs first. */
  groups: FailureGroup[];
  /** More groups exist than are shown. */
  truncated: boolean;
}

export async function loadFailureDigest(
  db: ExecutionsDatabase,
  organization: Organization,
  parsed: ParsedQuery,
  knownAgents?: AgentOption[],
): Promise<FailureDigest> {
  const agents = knownAgents ?? (await listAgents(db, organization.id));
  const checked = checkQuery(parsed, agents);
  // The digest sums the count tables: a filter they cannot answer (a search) is not applied here.
  const query = countableOnly(checked.query);
  const { errors } = checked;
  const groups = await digestFailures(db, organization.id, filtersFor(query, organization.timeZone), DIGEST_LIMIT + 1);
  return { query, errors, agents, groups: groups.slice(0, DIGEST_LIMIT), truncated: groups.length > DIGEST_LIMIT };
}
