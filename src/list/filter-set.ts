/**
 * Everything derived from the set of filters (filters.ts): parsing and writing their part of the
 * URL, whether any is set, the shape of a prepared query, its bindings and conditions, the
 * caption's words and the form's fields. Nothing here names a filter.
 */
import { and, isNotNull, sql, type SQL } from 'drizzle-orm';
import type { Bind, Bindings } from '../db/prepared.js';
import { executions } from '../db/schema.js';
import type { Messages } from '../i18n/messages.js';
import { countsFor, type ActivityUnit, type Counts, type DigestCounts, type SummaryCounts } from './counts.js';
import type { RunsExtent } from '../db/organization.js';
import type { FieldErrors, FilterFacts, FormContext, FormField, ListFilter, Rejected, WeekSpan } from './filter.js';
import { FILTERS, type FilterValues } from './filters.js';

/** Each filter typed for the whole value, which holds every filter's keys. */
const filters = FILTERS as unknown as readonly ListFilter<FilterValues>[];

export const EMPTY_FILTERS = Object.assign({}, ...filters.map((f) => f.empty)) as FilterValues;
const FILTER_KEYS = Object.keys(EMPTY_FILTERS) as (keyof FilterValues)[];

/**
 * What the SQL filters on: the filter values, the organization's time zone for their dates, and
 * where its runs start when that was read (week-slices.ts reads it for a range with an open end).
 */
export type ExecutionFilters = FilterValues & { timeZone: string; runsExtent?: RunsExtent | null };

// The derivations a request runs are plain loops: each ran on every request, and arrays made only
// to be spread cost the server's main thread more than the work itself (see docs/performance.md).

export function filtersFor(values: FilterValues, timeZone: string): ExecutionFilters {
  const picked: Record<string, unknown> = {};
  for (const key of FILTER_KEYS) picked[key] = values[key];
  picked.timeZone = timeZone;
  return picked as ExecutionFilters;
}

export interface ParsedFilters {
  values: FilterValues;
  errors: FieldErrors;
  rejected: Rejected;
}

export function parseFilters(params: URLSearchParams): ParsedFilters {
  const values = {} as FilterValues;
  const errors: FieldErrors = {};
  const rejected: Rejected = {};
  for (const f of filters) {
    const parsed = f.parse(params);
    Object.assign(values, parsed.value);
    if (parsed.errors) Object.assign(errors, parsed.errors);
    if (parsed.rejected) Object.assign(rejected, parsed.rejected);
  }
  return { values, errors, rejected };
}

export function writeFilters(values: FilterValues, params: URLSearchParams): void {
  for (const f of filters) f.write(values, params);
}

export function hasFilters(values: FilterValues): boolean {
  return filters.some((f) => f.isSet(values));
}

/** How many filters narrow the runs: those set, but a range around every run when the extent was read. */
export function narrowingFilters(values: ExecutionFilters): number {
  const extent = values.runsExtent ?? null;
  let set = 0;
  for (const f of filters) if (f.isSet(values) && !(extent && f.keepsEvery?.(values, extent))) set += 1;
  return set;
}

/** The values checked against the organization's data; what a check unset comes with a message. */
export function checkFilters<Q extends FilterValues>(values: Q, facts: FilterFacts): { values: Q; errors: FieldErrors } {
  let checked = values;
  let errors: FieldErrors = {};
  for (const f of filters) {
    if (!f.check) continue;
    const r = f.check(checked, facts);
    if (r.value !== checked) checked = { ...checked, ...r.value };
    if (r.errors) errors = { ...errors, ...r.errors };
  }
  return { values: checked, errors };
}

/** The filters' part of a prepared query's shape. */
export function filterShape(values: FilterValues): string {
  let key = '';
  for (const f of filters) key += f.shape ? f.shape(values) : f.isSet(values) ? '1' : '0';
  return key;
}

export function filterBindings(values: ExecutionFilters): Bindings {
  const bindings: Bindings = {};
  const extent = values.runsExtent ?? null;
  for (const f of filters) Object.assign(bindings, f.bindings(values, values.timeZone, extent));
  return bindings;
}

/**
 * How the conditions of filters the count tables cannot answer (a search) are written: `indexed`
 * as they are, for their own index; `walked` so that no index serves them ("is true"), so the
 * planner walks an index of the others' in order and filters by them; `omitted`, the candidates.
 */
export type UncountedAs = 'indexed' | 'walked' | 'omitted';

export function runConditions(values: FilterValues, bind: Bind, uncounted: UncountedAs = 'indexed'): SQL[] {
  const conditions: SQL[] = [];
  for (const f of filters) {
    const counted = f.countable?.(values) ?? true;
    if (!counted && uncounted === 'omitted') continue;
    for (const c of f.onRuns(values, bind)) if (c) conditions.push(counted || uncounted === 'indexed' ? c : sql`(${c}) is true`);
  }
  return conditions;
}

/** The conditions of the filters the count tables cannot answer (a search). */
export function uncountedConditions(values: FilterValues, bind: Bind): SQL[] {
  const conditions: SQL[] = [];
  for (const f of filters)
    if (!(f.countable?.(values) ?? true)) for (const c of f.onRuns(values, bind)) if (c) conditions.push(c);
  return conditions;
}

/** The organization's scheduled runs that the filters keep. */
export function listConditions(values: FilterValues, bind: Bind, uncounted: UncountedAs = 'indexed'): SQL | undefined {
  return and(
    sql`${executions.organizationId} = ${bind('organizationId')}`,
    // Runs from Hub, public channel, WhatsApp or API conversations are not executions here.
    isNotNull(executions.scheduleId),
    ...runConditions(values, bind, uncounted),
  );
}

/**
 * The range of starts a sort may read a week at a time (ListFilter.span), or null: no filter
 * bounds a range `extent` can close, or one is set that weeks do not serve (ListFilter.inWeeks).
 */
export function weekSpan(values: FilterValues, bind: Bind, extent: RunsExtent | null): WeekSpan | null {
  let span: WeekSpan | null = null;
  for (const f of filters) {
    if (!f.isSet(values)) continue;
    const own = f.span?.(values, bind, extent) ?? null;
    if (own) span = own;
    else if (!(f.inWeeks?.(values) ?? false)) return null;
  }
  return span;
}

/** Whether the count tables can answer every filter set (see ListFilter.countable). */
export function countable(values: FilterValues): boolean {
  return filters.every((f) => f.countable?.(values) ?? true);
}

/** The values with every filter the count tables cannot answer unset: what the failure digest can apply. */
export function countableOnly<Q extends FilterValues>(values: Q): Q {
  let kept = values;
  for (const f of filters) if (!(f.countable?.(kept) ?? true)) kept = { ...kept, ...f.empty };
  return kept;
}

/** Which counts hold exactly the filtered runs, for the chart's unit (null: the digest). */
export function countsForFilters(values: FilterValues, unit: ActivityUnit): SummaryCounts;
export function countsForFilters(values: FilterValues, unit: null): DigestCounts;
export function countsForFilters(values: FilterValues, unit: ActivityUnit | null): Counts {
  const needs = {
    wholeMonths: filters.every((f) => f.wholeMonths?.(values) ?? true),
    wholeYears: filters.every((f) => f.wholeYears?.(values) ?? true),
    keys: new Set(filters.flatMap((f) => f.countKeys?.(values) ?? [])),
  };
  return unit === null ? countsFor(needs, null) : countsFor(needs, unit);
}

/** The filters' conditions on the counts, equivalent to their conditions on the runs. */
export function countConditions(values: FilterValues, counts: Counts, bind: Bind): SQL[] {
  return filters.flatMap((f) => f.onCounts(values, counts, bind)).filter((c): c is SQL => c !== undefined);
}

/** The filters in words, for captions: "agent Daily digest, status Failed, from 01/11/2026". */
export function describeFilters(values: FilterValues, facts: FilterFacts, messages: Messages): string {
  return filters
    .map((f) => f.describe(values, facts, messages))
    .filter((words): words is string => words !== null)
    .join(', ');
}

/** Every error slot of the form, in order. */
export const ERROR_SLOTS: readonly string[] = filters.flatMap((f) => f.slots);

/** Each error slot's message in the table's words. */
export function errorMessages(errors: FieldErrors, messages: Messages): FormContext['errors'] {
  return Object.fromEntries(Object.entries(errors).map(([slot, key]) => [slot, key && messages.fieldErrors[key]]));
}

export function formFields(values: FilterValues, context: FormContext): FormField[] {
  return filters.flatMap((f) => f.fields(values, context));
}

/** An applied filter as the "Selected filters" list shows it, with the list's URL without it. */
export interface AppliedFilter {
  label: string | null;
  text: string;
  removeHref: string;
}

/** Every applied filter in the form's order; `removeHref` gives the list's URL for values. */
export function appliedFilters(
  values: FilterValues,
  facts: FilterFacts,
  messages: Messages,
  removeHref: (values: FilterValues) => string,
): AppliedFilter[] {
  return filters.flatMap((f) =>
    f.applied(values, facts, messages).map(({ label, text, without }) => ({
      label,
      text,
      removeHref: removeHref({ ...values, ...(without ?? f.empty) }),
    })),
  );
}
