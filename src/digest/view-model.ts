/** The failure digest's plain data: each kind of failure in words, with a link to its runs. */
import type { FailureDigest } from './failure-digest.js';
import { formatCount } from '../lib/format.js';
import { describeFilters } from '../list/filter-set.js';
import { failureLabel } from '../list/filters.js';
import { withQuery } from '../list/query.js';

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
  backHref: string;
  /** "filtered by agent …", or '' for every run. */
  filterText: string;
  errors: string[];
  groups: FailureGroupView[];
  truncated: boolean;
}

const plural = (n: number, one: string, many: string) => `${formatCount(n)} ${n === 1 ? one : many}`;

export function buildDigestView(digest: FailureDigest, basePath: string): DigestView {
  const query = { ...digest.query, page: 1, cursor: null };
  const summary = describeFilters(query, { agents: digest.agents });
  return {
    title: 'Failures by tool and error – Executions',
    backHref: withQuery(basePath, query),
    filterText: summary ? `Failed runs filtered by ${summary}.` : 'All failed runs.',
    errors: Object.values(digest.errors).filter((message): message is string => message !== undefined),
    truncated: digest.truncated,
    groups: digest.groups.map((g) => {
      const failure = { tool: g.tool, signature: g.signature };
      return {
        tool: g.tool || 'No tool call failed',
        error: g.signature || 'No error message',
        runs: plural(g.runs, 'run', 'runs'),
        agents: plural(g.agents, 'agent', 'agents'),
        href: withQuery(basePath, { ...query, status: 'failed', failure }),
        linkContext: ` failed at ${failureLabel(failure)}`,
      };
    }),
  };
}
