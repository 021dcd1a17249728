/**
 * The list's filters, each defined once (see filter.ts for what a filter owns). Their order here
 * is the form's, the caption's and the canonical URL's. To add a filter, add it here and to
 * FILTERS, with its test.
 */
import { differenceInCalendarDays, isLastDayOfMonth, parseISO } from 'date-fns';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { RunsExtent } from '../db/organization.js';
import type { Bind } from '../db/prepared.js';
import { agents, executions, executionStatus, type ExecutionStatus } from '../db/schema.js';
import type { FieldErrorKey, Messages } from '../i18n/messages.js';
import { formatCalendarDate, instantRange, isCalendarDate } from '../lib/time-zone.js';
import { blank, defineFilter, is, param, type FieldErrors, type FilterFacts, type ListFilter } from './filter.js';
import { searchFilter } from './search-filter.js';
import { STATUS_ORDER } from './status.js';

export const MIN_DATE = '1900-01-01';

// Any 128-bit id Postgres stores as uuid, not only RFC 4122 versions: hosts choose their ids.
export const uuidParam = z.guid();

/** The Agent filter's choice of every deleted agent's runs, whose names the page no longer shows. */
export const REMOVED_AGENTS = 'removed';

/** The organization's deleted agents, as a subquery: which ids they are is the database's to say. */
const removedAgentIds = (bind: Bind) =>
  sql`(select ${agents.id} from ${agents} where ${agents.organizationId} = ${bind('organizationId')} and ${agents.deletedAt} is not null)`;

/** The chosen agent as the page names it: its name, or "Agent removed"; null when none is chosen. */
function agentName(v: { agentId: string | null; removedAgents: boolean }, { agents }: FilterFacts, m: Messages): string | null {
  if (v.removedAgents) return m.agentRemoved;
  const agent = agents.find((a) => a.id === v.agentId);
  return agent ? (agent.removed ? m.agentRemoved : agent.name) : null;
}

export const agentFilter = defineFilter({
  empty: { agentId: null as string | null, removedAgents: false },
  slots: ['agent'],
  parse(params) {
    const agent = param(params, 'agent');
    const none = { agentId: null, removedAgents: false };
    if (blank(agent)) return { value: none };
    if (agent.trim().toLowerCase() === REMOVED_AGENTS) return { value: { agentId: null, removedAgents: true } };
    const r = uuidParam.safeParse(agent.trim());
    if (r.success) return { value: { agentId: r.data.toLowerCase(), removedAgents: false } };
    return { value: none, errors: { agent: 'agentInvalid' } };
  },
  write(v, params) {
    if (v.agentId) params.set('agent', v.agentId);
    else if (v.removedAgents) params.set('agent', REMOVED_AGENTS);
  },
  isSet: (v) => v.agentId !== null || v.removedAgents,
  shape: (v) => (v.agentId ? '1' : v.removedAgents ? '2' : '0'),
  bindings: (v) => ({ agentId: v.agentId }),
  inWeeks: (v) => v.agentId !== null,
  onRuns: (v, bind) => [
    v.agentId ? is(executions.agentId, bind('agentId')) : undefined,
    v.removedAgents ? sql`${executions.agentId} in ${removedAgentIds(bind)}` : undefined,
  ],
  // countsFor gives a table with the agent when countKeys says so.
  onCounts: (v, c, bind) =>
    'agentId' in c
      ? [
          v.agentId ? is(c.agentId, bind('agentId')) : undefined,
          v.removedAgents ? sql`${c.agentId} in ${removedAgentIds(bind)}` : undefined,
        ]
      : [],
  countKeys: (v) => (v.agentId || v.removedAgents ? ['agent'] : []),
  // An id from another organization, or a stale bookmark, is not an agent here: all agents.
  check: (v, { agents }) =>
    !v.agentId || agents.some((a) => a.id === v.agentId)
      ? { value: v }
      : { value: { agentId: null, removedAgents: false }, errors: { agent: 'agentNotFound' } },
  describe(v, facts, m) {
    const name = agentName(v, facts, m);
    return name === null ? null : m.agentFilter(name);
  },
  applied(v, facts, m) {
    const name = agentName(v, facts, m);
    return name === null ? [] : [{ label: m.agent, text: name }];
  },
  fields(v, { facts, errors, messages: m }) {
    // A bookmark may name one deleted agent by id: that choice is kept, in place of all of them.
    const named = facts.agents.find((a) => a.removed && a.id === v.agentId);
    const anyRemoved = facts.agents.some((a) => a.removed);
    return [
      {
        kind: 'select',
        slot: 'agent',
        name: 'agent',
        label: m.agent,
        error: errors.agent,
        options: [
          { value: '', label: m.allAgents, selected: v.agentId === null && !v.removedAgents },
          ...facts.agents.filter((a) => !a.removed).map((a) => ({ value: a.id, label: a.name, selected: a.id === v.agentId })),
          ...(named
            ? [{ value: named.id, label: m.agentRemoved, selected: true }]
            : anyRemoved || v.removedAgents
              ? [{ value: REMOVED_AGENTS, label: m.agentRemoved, selected: v.removedAgents }]
              : []),
        ],
      },
    ];
  },
});

const statusParam = z.string().trim().toLowerCase().pipe(z.enum(executionStatus.enumValues));

export const statusFilter = defineFilter({
  empty: { status: null as ExecutionStatus | null },
  slots: ['status'],
  parse(params) {
    const status = param(params, 'status');
    if (blank(status)) return { value: { status: null } };
    const r = statusParam.safeParse(status);
    if (r.success) return { value: { status: r.data } };
    return { value: { status: null }, errors: { status: 'statusInvalid' } };
  },
  write(v, params) {
    if (v.status) params.set('status', v.status);
  },
  isSet: (v) => v.status !== null,
  bindings: (v) => ({ status: v.status }),
  inWeeks: () => true,
  onRuns: (v, bind) => [v.status ? is(executions.status, bind('status')) : undefined],
  onCounts: (v, c, bind) => [v.status && 'status' in c ? is(c.status, bind('status')) : undefined],
  countKeys: (v) => (v.status ? ['status'] : []),
  describe: (v, _facts, m) => (v.status ? m.statusFilter(m.statuses[v.status]) : null),
  applied: (v, _facts, m) => (v.status ? [{ label: m.status, text: m.statuses[v.status] }] : []),
  fields: (v, { errors, messages: m }) => [
    {
      kind: 'select',
      slot: 'status',
      name: 'status',
      label: m.status,
      error: errors.status,
      options: [
        { value: '', label: m.allStatuses, selected: v.status === null },
        ...STATUS_ORDER.map((s) => ({ value: s, label: m.statuses[s], selected: s === v.status })),
      ],
    },
  ],
});

const dateParam = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  // Impossible days such as 2025-02-30 are refused. Years before 1900 are typing accidents (a
  // picker half-typed reads 0002), not runs anyone recorded.
  .refine((s) => s >= MIN_DATE && isCalendarDate(s));

const WEEK_MS = 7 * 86_400_000;
/** Monday, 1 January 1900: a UTC week's first instant. */
const A_MONDAY = Date.UTC(1900, 0, 1);

/** How many UTC weeks (from Monday) the range [from, before) touches after its first. */
function utcWeeksAfter(from: Date, before: Date): number {
  const week = (instant: number) => Math.floor((instant - A_MONDAY) / WEEK_MS);
  return week(before.getTime() - 1) - week(from.getTime());
}

/** The later of two instants, either of which may be unknown. */
const latest = (a: Date | null, b: Date | undefined) => (a && b ? (a > b ? a : b) : (a ?? b ?? null));
/** The earlier of two instants, either of which may be unknown. */
const earliest = (a: Date | null, b: Date | undefined) => (a && b ? (a < b ? a : b) : (a ?? b ?? null));

/**
 * Whether a range holds every run of the extent. For plans only, so its days are read in the
 * server's zone: the runs' conditions bound them in the organization's.
 */
const aroundEvery = (v: { startDate: string | null; endDate: string | null }, extent: RunsExtent) =>
  (v.startDate === null || parseISO(v.startDate) <= extent.first) && (v.endDate === null || parseISO(v.endDate) >= extent.before);

/** Each date field's key, which also names its label in the message table. */
const DATE_FIELDS: { key: 'startDate' | 'endDate'; param: string; invalid: FieldErrorKey }[] = [
  { key: 'startDate', param: 'start', invalid: 'startDateInvalid' },
  { key: 'endDate', param: 'end', invalid: 'endDateInvalid' },
];

/** Inclusive calendar dates (yyyy-MM-dd) in the organization's time zone. */
export const datesFilter = defineFilter({
  empty: { startDate: null as string | null, endDate: null as string | null },
  slots: ['startDate', 'endDate'],
  parse(params) {
    const value = { startDate: null as string | null, endDate: null as string | null };
    const errors: FieldErrors = {};
    const rejected: Record<string, string> = {};
    for (const field of DATE_FIELDS) {
      const input = param(params, field.param);
      if (blank(input)) continue;
      const r = dateParam.safeParse(input);
      if (r.success) value[field.key] = r.data;
      else {
        errors[field.key] = field.invalid;
        rejected[field.key] = input;
      }
    }
    if (value.startDate && value.endDate && value.startDate > value.endDate) {
      errors.startDate = 'datesOutOfOrder';
      rejected.startDate = value.startDate;
      rejected.endDate = value.endDate;
      value.startDate = null;
      value.endDate = null;
    }
    return { value, errors, rejected };
  },
  write(v, params) {
    if (v.startDate) params.set('start', v.startDate);
    if (v.endDate) params.set('end', v.endDate);
  },
  isSet: (v) => v.startDate !== null || v.endDate !== null,
  shape: (v) => `${v.startDate ? 1 : 0}${v.endDate ? 1 : 0}`,
  bindings(v, timeZone, extent) {
    // Runs are filtered by instants (the local days' bounds in the organization's zone), counts by days.
    const range = instantRange(v.startDate, v.endDate, timeZone);
    // The weeks a sort reads (span): the range within the runs' extent, when that was read.
    const set = v.startDate !== null || v.endDate !== null;
    const weeksFrom = set ? latest(range.from, extent?.first) : null;
    const weeksBefore = set ? earliest(range.before, extent?.before) : null;
    return {
      startDate: v.startDate,
      endDate: v.endDate,
      startedFrom: range.from?.toISOString() ?? null,
      startedBefore: range.before?.toISOString() ?? null,
      weeksFrom: weeksFrom?.toISOString() ?? null,
      // Counted here, not in SQL: the planner guesses 1,000 rows for a series of timestamps, and a plan
      // that costly is compiled (JIT) first, which took longer than the query (docs/performance.md).
      laterWeeks: weeksFrom && weeksBefore ? utcWeeksAfter(weeksFrom, weeksBefore) : null,
    };
  },
  onRuns: (v, bind) => [
    v.startDate ? sql`${executions.startedAt} >= ${bind('startedFrom')}::timestamptz` : undefined,
    v.endDate ? sql`${executions.startedAt} < ${bind('startedBefore')}::timestamptz` : undefined,
  ],
  keepsEvery: aroundEvery,
  span(v, bind, extent) {
    if (v.startDate === null && v.endDate === null) return null;
    // A range around every run filters nothing: the sort's walk reads no more than the page.
    if (extent && aroundEvery(v, extent)) return null;
    const start = v.startDate === null ? null : parseISO(v.startDate);
    const end = v.endDate === null ? null : parseISO(v.endDate);
    const first = latest(start, extent?.first);
    const last = earliest(end, extent?.before);
    if (!first || !last) return null;
    return {
      from: sql`${bind('weeksFrom')}::timestamptz`,
      laterWeeks: sql`${bind('laterWeeks')}::int`,
      // Whole days for a bound on the weeks' number; the extent's instants count to the day or so.
      days: differenceInCalendarDays(last, first) + 1,
    };
  },
  onCounts: (v, c, bind) =>
    'period' in c
      ? [
          v.startDate ? sql`${c.period} >= ${bind('startDate')}::date` : undefined,
          v.endDate ? sql`${c.period} <= ${bind('endDate')}::date` : undefined,
        ]
      : [],
  countKeys: (v) => (v.startDate || v.endDate ? ['period'] : []),
  wholeMonths: (v) => (!v.startDate || v.startDate.endsWith('-01')) && (!v.endDate || isLastDayOfMonth(parseISO(v.endDate))),
  wholeYears: (v) => (!v.startDate || v.startDate.endsWith('-01-01')) && (!v.endDate || v.endDate.endsWith('-12-31')),
  describe(v, _facts, m) {
    const parts = [
      v.startDate && m.fromFilter(formatCalendarDate(v.startDate)),
      v.endDate && m.toFilter(formatCalendarDate(v.endDate)),
    ];
    return parts.filter(Boolean).join(', ') || null;
  },
  // Each date removable alone: the other end of the range stays.
  applied: (v, _facts, m) =>
    DATE_FIELDS.flatMap((field) => {
      const date = v[field.key];
      return date ? [{ label: m[field.key], text: formatCalendarDate(date), without: { [field.key]: null } }] : [];
    }),
  fields: (v, { errors, rejected, messages }) =>
    DATE_FIELDS.map((field) => ({
      kind: 'date' as const,
      slot: field.key,
      name: field.param,
      label: messages[field.key],
      error: errors[field.key],
      value: v[field.key] ?? rejected[field.key] ?? '',
      min: MIN_DATE,
      max: '9999-12-31',
    })),
});

/** Runs that cost over CREDIT_SPIKE_FACTOR times their agent's usual credits. */
export const spikesFilter = defineFilter({
  empty: { spikesOnly: false },
  slots: [],
  // A checkbox: present means on, whatever value a hand-written URL gives it.
  parse: (params) => ({ value: { spikesOnly: params.has('spikes') } }),
  write(v, params) {
    if (v.spikesOnly) params.set('spikes', '1');
  },
  isSet: (v) => v.spikesOnly,
  bindings: () => ({}),
  onRuns: (v) => [v.spikesOnly ? sql`${executions.creditSpike} = true` : undefined],
  onCounts: (v, c) => [v.spikesOnly && 'creditSpike' in c ? sql`${c.creditSpike} = true` : undefined],
  countKeys: (v) => (v.spikesOnly ? ['spike'] : []),
  describe: (v, _facts, m) => (v.spikesOnly ? m.spikesFilter : null),
  applied: (v, _facts, m) => (v.spikesOnly ? [{ label: null, text: m.spikesOnly }] : []),
  fields: (v, { messages }) => [
    { kind: 'checkbox', id: 'xa-spikes', name: 'spikes', label: messages.spikesOnly, checked: v.spikesOnly },
  ],
});

/** A kind of failure, as the digest groups them and the list filters by them. */
export interface FailureKind {
  /** The first tool call that failed; '' when none did. */
  tool: string;
  signature: string;
}

/**
 * Tool names and error signatures are short (the signature function cuts at 200 characters).
 * Postgres cannot compare text with a NUL, and a name with any other control character but tab,
 * line feed and carriage return is no name a person chose: both are refused with the message.
 */
// eslint-disable-next-line no-control-regex
const PRINTABLE = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/;
const failurePart = z.string().max(200).regex(PRINTABLE);

/** "google_calendar — 401 expired credential", as the digest names a failure. */
export function failureLabel(failure: FailureKind, m: Messages): string {
  return m.failureName(failure.tool || m.noToolFailed, failure.signature || m.noErrorMessage);
}

/** Failed runs of one kind of failure, as the failure digest links to them. */
export const failureFilter = defineFilter({
  empty: { failure: null as FailureKind | null },
  slots: ['failure'],
  parse(params) {
    // The digest's links name a failure by both parts; either present makes the filter, and an
    // empty tool means "no tool call failed".
    if (!params.has('tool') && !params.has('error')) return { value: { failure: null } };
    const tool = failurePart.safeParse(param(params, 'tool') ?? '');
    const signature = failurePart.safeParse(param(params, 'error') ?? '');
    if (tool.success && signature.success) return { value: { failure: { tool: tool.data, signature: signature.data } } };
    return { value: { failure: null }, errors: { failure: 'failureInvalid' } };
  },
  write(v, params) {
    if (!v.failure) return;
    params.set('tool', v.failure.tool);
    params.set('error', v.failure.signature);
  },
  isSet: (v) => v.failure !== null,
  bindings: (v) => ({ failedTool: v.failure?.tool ?? null, errorSignature: v.failure?.signature ?? null }),
  onRuns: (v, bind) =>
    v.failure
      ? [
          sql`${executions.status} = 'failed'`,
          is(executions.failedTool, bind('failedTool')),
          is(executions.errorSignature, bind('errorSignature')),
        ]
      : [],
  onCounts: (v, c, bind) =>
    v.failure && 'failedTool' in c
      ? [
          // The failure counts hold failed runs only.
          'status' in c ? sql`${c.status} = 'failed'` : undefined,
          is(c.failedTool, bind('failedTool')),
          is(c.errorSignature, bind('errorSignature')),
        ]
      : [],
  countKeys: (v) => (v.failure ? ['failure'] : []),
  describe: (v, _facts, m) => (v.failure ? m.failureFilter(failureLabel(v.failure, m)) : null),
  applied: (v, _facts, m) => (v.failure ? [{ label: m.failure, text: failureLabel(v.failure, m) }] : []),
  fields: (v, { errors }) => [
    {
      kind: 'kept',
      slot: 'failure',
      error: errors.failure,
      // Kept with the form, so changing another filter keeps the failure.
      hidden: v.failure
        ? [
            { name: 'tool', value: v.failure.tool },
            { name: 'error', value: v.failure.signature },
          ]
        : [],
    },
  ],
});

/** Every filter, in the form's order. */
export const FILTERS = [searchFilter, agentFilter, statusFilter, datesFilter, spikesFilter, failureFilter] as const;

type ValueOf<F> = F extends ListFilter<infer V> ? V : never;
type Intersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/** The filters' part of the query value: every filter's own keys. */
export type FilterValues = Intersection<ValueOf<(typeof FILTERS)[number]>>;
