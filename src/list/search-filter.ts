/**
 * Search: one term found in a run's title, error and tool names (the indexed text, db/schema.ts's
 * searchedText) or its agent's name, case-insensitive, anywhere in a word. The count tables
 * cannot answer it: with a term the summary counts the runs themselves, up to a bound
 * (summary-query.ts). Its "also in conversations" option adds the recent runs whose steps hold
 * the term, which conversation-search.ts finds and binds here by conversation id.
 */
import { sql } from 'drizzle-orm';
import type { Bind } from '../db/prepared.js';
import { executions } from '../db/schema.js';
import { blank, defineFilter, param } from './filter.js';

/** How many days back the "also in conversations" option reads conversations: the weekly review's week. */
export const CONVERSATION_SEARCH_DAYS = 7;

/** Longer terms are refused: nobody types them, and each is matched against every candidate. */
export const MAX_SEARCH_LENGTH = 200;

// A line break would match across two fields of the searched text; any control character is
// refused alike. A term needs three letters or digits together, the least a trigram index finds.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const WORD_PART = /[\p{L}\p{N}]{3}/u;

/** LIKE's pattern for "contains the term", lower-cased by Postgres as the indexed text is. */
export const containsPattern = (bind: Bind) =>
  sql`'%' || replace(replace(replace(lower(${bind('search')}::text), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'`;

export const searchFilter = defineFilter({
  // The agents whose names hold the term are found by `check`, from the organization's agents the
  // page has anyway, and bound as a list: an OR with a subquery was estimated to keep half the
  // runs, and the planner then walked every run for a rare term instead of using the index.
  // `searchConversations` is the option as asked (kept without a term, so the box stays ticked);
  // `conversationMatches` the runs' conversations whose steps hold the term, found before the
  // list is read (conversation-search.ts), never from the URL.
  empty: {
    search: null as string | null,
    searchAgents: [] as string[],
    searchConversations: false,
    conversationMatches: [] as string[],
  },
  slots: ['search'],
  parse(params) {
    const input = param(params, 'q');
    // A checkbox: present means on, whatever value a hand-written URL gives it.
    const none = { search: null, searchAgents: [], searchConversations: params.has('conversations'), conversationMatches: [] };
    if (blank(input)) return { value: none };
    const term = input.trim();
    if (CONTROL.test(term) || term.length > MAX_SEARCH_LENGTH)
      return { value: none, errors: { search: 'searchInvalid' }, rejected: { search: term.slice(0, MAX_SEARCH_LENGTH) } };
    if (!WORD_PART.test(term)) return { value: none, errors: { search: 'searchTooShort' }, rejected: { search: term } };
    return { value: { ...none, search: term } };
  },
  write(v, params) {
    if (v.search !== null) params.set('q', v.search);
    if (v.searchConversations) params.set('conversations', '1');
  },
  isSet: (v) => v.search !== null,
  shape: (v) =>
    v.search === null
      ? '0'
      : `${v.searchAgents.length > 0 ? '2' : '1'}${v.searchConversations && v.conversationMatches.length > 0 ? 'c' : ''}`,
  // One array literal: a JavaScript array bound as parameters (not prepared) would be a row.
  bindings: (v) => ({
    search: v.search,
    searchAgents: `{${v.searchAgents.join(',')}}`,
    conversationMatches: `{${v.conversationMatches.join(',')}}`,
  }),
  onRuns(v, bind) {
    if (v.search === null) return [];
    const matches = [sql`${executions.searchedText} like ${containsPattern(bind)}`];
    if (v.searchAgents.length > 0) matches.push(sql`${executions.agentId} = any(${bind('searchAgents')}::uuid[])`);
    if (v.searchConversations && v.conversationMatches.length > 0)
      matches.push(sql`${executions.conversationId} = any(${bind('conversationMatches')}::uuid[])`);
    return [matches.length === 1 ? matches[0] : sql`(${sql.join(matches, sql` or `)})`];
  },
  // Agent names as the page shows them (JavaScript's lower case): deleted agents are "Agent removed".
  check(v, { agents }) {
    if (v.search === null) return { value: v };
    const term = v.search.toLowerCase();
    const searchAgents = agents.filter((a) => !a.removed && a.name.toLowerCase().includes(term)).map((a) => a.id);
    return { value: { ...v, searchAgents } };
  },
  onCounts: () => [],
  countable: (v) => v.search === null,
  // A frequent term's page in another order walks each week's order (sorted-plan.ts).
  inWeeks: () => true,
  describe: (v, _facts, m) =>
    v.search === null ? null : v.searchConversations ? m.searchConversationsFilter(v.search) : m.searchFilter(v.search),
  applied: (v, _facts, m) =>
    v.search === null
      ? []
      : [{ label: m.search, text: v.searchConversations ? m.searchConversationsApplied(v.search) : v.search }],
  fields: (v, { errors, rejected, messages: m }) => [
    {
      kind: 'search',
      slot: 'search',
      name: 'q',
      label: m.search,
      hint: m.searchHint,
      error: errors.search,
      value: v.search ?? rejected.search ?? '',
    },
    {
      kind: 'checkbox',
      id: 'xa-conversations',
      name: 'conversations',
      label: m.searchConversations(CONVERSATION_SEARCH_DAYS),
      checked: v.searchConversations,
      hint: m.searchConversationsHint(CONVERSATION_SEARCH_DAYS),
      ofSearch: true,
    },
  ],
});
