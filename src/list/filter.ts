/**
 * What a list filter is, after Django admin's SimpleListFilter: one object owns its URL
 * parameters and their parsing, its conditions on the runs and on the count tables, its part of
 * a prepared query's shape, its form field and its words in the caption. Everything else — the
 * query value, canonical URLs, the SQL, the form — is derived from the set in filters.ts.
 *
 * A filter's value is the part of the query value it owns (`{ status: … }`); it is handed the
 * whole query value and reads only its own keys.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { AgentOption, RunsExtent } from '../db/organization.js';
import type { Bind, Bindings } from '../db/prepared.js';
import type { FieldErrorKey, Messages } from '../i18n/messages.js';
import type { CountKey, Counts } from './counts.js';

/** Why each field's input could not be used, by error slot: its message's key in the table. */
export type FieldErrors = { [slot: string]: FieldErrorKey | undefined };

/** What the user typed that was not applied, by field: shown again, never lost. */
export type Rejected = { [field: string]: string | undefined };

export interface ParsedFilter<V> {
  value: V;
  errors?: FieldErrors;
  rejected?: Rejected;
}

/** What the organization's data says about a query value: its agents, its time zone. */
export interface FilterFacts {
  agents: AgentOption[];
}

export interface Option {
  value: string;
  label: string;
  selected: boolean;
}

/** A form control as the filter view renders it; `slot` names its error message. */
export type FormField =
  | { kind: 'select'; slot: string; name: string; label: string; error: string | undefined; options: Option[] }
  | {
      kind: 'date';
      slot: string;
      name: string;
      label: string;
      error: string | undefined;
      value: string;
      min: string;
      max: string;
    }
  | { kind: 'search'; slot: string; name: string; label: string; hint: string; error: string | undefined; value: string }
  | {
      kind: 'checkbox';
      id: string;
      name: string;
      label: string;
      checked: boolean;
      /** Heard with the checkbox, not shown (as the search's): a line of its own would cost the table a row. */
      hint?: string;
      /**
       * An option of the search: shown once a term is typed (or while ticked). The filters' row has
       * no room for it beside the others, and the table keeps its ten rows on the first screen.
       */
      ofSearch?: true;
    }
  | {
      /** A filter set from elsewhere (a link): its values kept with the form, and its error slot. */
      kind: 'kept';
      slot: string;
      error: string | undefined;
      hidden: { name: string; value: string }[];
    };

/**
 * One applied filter as the "Selected filters" list shows it ("Status: Failed"), with what its
 * removal unsets: a part of the filter's value, or by default the whole of it.
 */
export interface Applied<V> {
  /** The filter's label, or null when the text says it all ("Credit spikes only"). */
  label: string | null;
  text: string;
  without?: Partial<V>;
}

export interface FormContext {
  facts: FilterFacts;
  /** Each error slot's message, in the table's words. */
  errors: { [slot: string]: string | undefined };
  rejected: Rejected;
  messages: Messages;
}

export interface WeekSpan {
  from: SQL;
  laterWeeks: SQL;
  days: number;
}

export interface ListFilter<V extends object> {
  /** The query value's keys this filter owns, unset. */
  empty: V;
  /** The error slots of its fields, in the form's order. */
  slots: readonly string[];
  /** Reads its URL parameters (first value of each). Never throws: bad input is unset, with a message. */
  parse(params: URLSearchParams): ParsedFilter<V>;
  /** Writes its canonical parameters; nothing when unset. */
  write(value: V, params: URLSearchParams): void;
  isSet(value: V): boolean;
  /**
   * Everything its conditions' text depends on, as a short key: two values with the same key must
   * give the same SQL with placeholders. Default: set or not.
   */
  shape?(value: V): string;
  /**
   * Its placeholders' values (names unique across filters), for the query value and time zone, and
   * the organization's runs' extent when it was read (a span with an open end needs it).
   */
  bindings(value: V, timeZone: string, extent: RunsExtent | null): Bindings;
  /** Its conditions on the runs (the executions table). `bind('organizationId')` is always bound too. */
  onRuns(value: V, bind: Bind): (SQL | undefined)[];
  /** Its conditions on a count table, which `countsFor` chose to suit `needs`. */
  onCounts(value: V, counts: Counts, bind: Bind): (SQL | undefined)[];
  /**
   * Whether the count tables can answer its condition (a text search cannot). Default: yes. While a
   * filter that cannot is set, the summary counts the runs themselves, up to a bound, and its
   * `onCounts` is not used.
   */
  countable?(value: V): boolean;
  /** Whether the monthly counts hold exactly its runs (a date range of whole months). Default: yes. */
  wholeMonths?(value: V): boolean;
  /** Whether the yearly failure counts hold exactly its runs (a date range of whole years). Default: yes. */
  wholeYears?(value: V): boolean;
  /** The count tables' keys its condition needs (counts.ts's CountKey). Default: none. */
  countKeys?(value: V): readonly CountKey[];
  /**
   * A range of starts (local days in the organization's zone), an open end closed by the
   * organization's runs' `extent`: its first instant, how many UTC weeks it touches after the
   * first, and how many days it spans. A sort by another column reads such a range a week at a
   * time (week-slices.ts). Null when it bounds none, or an end is open and the extent unknown.
   */
  span?(value: V, bind: Bind, extent: RunsExtent | null): WeekSpan | null;
  /**
   * Whether its condition keeps every run within the organization's runs' `extent` (a date range
   * around them all): a plan does not count it as a filter. Default: no.
   */
  keepsEvery?(value: V, extent: RunsExtent): boolean;
  /**
   * Whether a sort read a week at a time serves its condition: an index of the weeks leads with its
   * column (the status, the agent). Default: no, and weeks are not read while it is set; its own
   * index serves a rare set better (a spike, a kind of failure).
   */
  inWeeks?(value: V): boolean;
  /** Checks the value against the organization's data: an unknown agent is not applied. */
  check?(value: V, facts: FilterFacts): ParsedFilter<V>;
  /** Its words in the caption: "status Failed"; null when unset. */
  describe(value: V, facts: FilterFacts, messages: Messages): string | null;
  /** Its form fields. */
  fields(value: V, context: FormContext): FormField[];
  /** What it applies, in the "Selected filters" list, each removable on its own; none when unset. */
  applied(value: V, facts: FilterFacts, messages: Messages): Applied<V>[];
}

/** Declares a filter; the identity, so that its value type is inferred from `empty`. */
export function defineFilter<V extends object>(filter: ListFilter<V>): ListFilter<V> {
  return filter;
}

/** `column = value`, the value bound by name. */
export const is = (column: AnyPgColumn, value: unknown): SQL => sql`${column} = ${value}`;

/** The first value of a parameter, undefined when absent. */
export const param = (params: URLSearchParams, name: string): string | undefined => params.get(name) ?? undefined;

export const blank = (v: string | undefined): v is undefined => v === undefined || v.trim() === '';
