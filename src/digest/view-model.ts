/** The failure digest's plain data: each kind of failure in words, with a link to its runs. */
import { DIGEST_LIMIT, type FailureDigest } from './failure-digest.js';
import type { Messages } from '../i18n/messages.js';
import { numberFormat } from '../lib/format.js';
import { describeFilters, errorMessages } from '../list/filter-set.js';
import { failureLabel } from '../list/filters.js';
import { withQuery } from '../list/query.js';
import { behindNote } from '../list/view-model.js';

export interface FailureGroupView {
  tool: string;
  error: string;
  runs: string;
  agents: string;
  /** The list narrowed to these runs, the digest's other filters kept. */
  href: string;
  /** Read after the link's text ("14 runs"), so its name says which failure. */
  linkContext: string;
}

export interface DigestView {
  title: string;
  /** The words the view shows, in the host's language. */
  messages: Messages;
  backHref: string;
  /** "Failed runs filtered by agent …", or all of them. */
  filterText: string;
  errors: string[];
  groups: FailureGroupView[];
  /** Said under the groups when more exist than are shown. */
  truncatedNote: string | null;
  /** Said when the digest was read from a replica running behind, as the list says it. */
  behind: string | null;
}

/** `behindMs`: how far behind the primary the database the digest was read from is, when that matters. */
export function buildDigestView(
  digest: FailureDigest,
  basePath: string,
  m: Messages,
  behindMs: number | null = null,
): DigestView {
  const query = { ...digest.query, page: 1, cursor: null };
  const summary = describeFilters(query, { agents: digest.agents }, m);
  const { count } = numberFormat(m.locale);
  return {
    title: m.pageTitle(m.failureDigest),
    messages: m,
    backHref: withQuery(basePath, query),
    filterText: m.digestScope(summary || null),
    errors: Object.values(errorMessages(digest.errors, m)).filter((message): message is string => message !== undefined),
    truncatedNote: digest.truncated ? m.digestTruncated(DIGEST_LIMIT) : null,
    behind: behindNote(behindMs, m),
    groups: digest.groups.map((g) => {
      const failure = { tool: g.tool, signature: g.signature };
      return {
        tool: g.tool || m.noToolFailed,
        error: g.signature || m.noErrorMessage,
        runs: m.runs(g.runs, count(g.runs)),
        agents: m.agents(g.agents, count(g.agents)),
        href: withQuery(basePath, { ...query, status: 'failed', failure }),
        linkContext: ` ${m.failedAt(failureLabel(failure, m))}`,
      };
    }),
  };
}
