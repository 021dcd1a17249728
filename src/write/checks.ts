/**
 * Input checks at the edge of the write API: a call with input Postgres cannot store fails with
 * `invalid_input` before it touches the database, and each check hands back the value as it will be
 * stored. Two rules cover every string — text fields, keys, and the strings and object keys inside
 * JSON at any depth: a NUL (U+0000) is refused, because neither text nor jsonb can hold it; an
 * unpaired UTF-16 surrogate is replaced by U+FFFD, because a host that cut a tool's output
 * mid-emoji should not lose the tool call (Postgres would refuse it in jsonb and postgres.js would
 * replace it unasked in text, so that a retry's comparison missed). The calls compare a retry
 * against what was stored after this same repair, so a retry with the same data stays identical.
 */
import { scheduleKind, type ScheduleKind } from '../db/schema.js';
import { invalid } from './errors.js';
import type { HistoricalToolCall, JsonValue, ToolCallInput } from './inputs.js';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/**
 * Keys, organization ids and tool names sit in B-tree indexes (the failure index holds an
 * organization, a tool name and an error signature together), whose entries Postgres limits to
 * about a third of a page: this bound keeps the widest entry inside it.
 */
const MAX_SHORT_TEXT = 200;
/** numeric(12, 2) */
const MAX_CREDITS = 9_999_999_999.99;
/** integer */
const MAX_INTEGER = 2_147_483_647;
/** Deeper JSON overflows the stack of the JSON serialisers on the way to jsonb. */
const MAX_JSON_DEPTH = 1000;
const NUL = '\u0000';

/** String.prototype.toWellFormed (Node 20), which the project's ES2022 lib does not declare. */
const wellFormed = (text: string): string => (text as string & { toWellFormed(): string }).toWellFormed();

/** Any text, blank included, as it will be stored. */
export function storableText(value: string, field: string): string {
  if (typeof value !== 'string') throw invalid(`${field} must be a string`);
  if (value.includes(NUL)) throw invalid(`${field} must not contain a NUL character (U+0000)`);
  return wellFormed(value);
}

export function checkText(value: string, field: string): string {
  const text = storableText(value, field);
  if (text.trim() === '') throw invalid(`${field} must be a non-empty string`);
  return text;
}

/** Idempotency keys, organization ids and tool names. */
export function checkShortText(value: string, field: string): string {
  const text = checkText(value, field);
  if (text.length > MAX_SHORT_TEXT) throw invalid(`${field} must be at most ${MAX_SHORT_TEXT} characters`);
  return text;
}

export const checkKey = (key: string, field = 'key') => checkShortText(key, field);
export const checkOrganizationId = (organizationId: string) => checkShortText(organizationId, 'organizationId');

export function checkUuid(value: string, field: string): void {
  if (!UUID.test(value)) throw invalid(`${field} must be a UUID`);
}

export function checkScheduleKind(kind: ScheduleKind): void {
  if (!scheduleKind.enumValues.includes(kind)) throw invalid(`kind must be one of ${scheduleKind.enumValues.join(', ')}`);
}

/** Years 1900 to 9999: the driver sends a date as its ISO string, which Postgres reads only with a four-digit year. */
export function checkDate(value: Date, field: string): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw invalid(`${field} must be a valid date`);
  // Not before 1900: the date filters start there, and drizzle reads a year below 100 back as 19xx
  // or 20xx, so a run started then could not be finished.
  const year = value.getUTCFullYear();
  if (year < 1900 || year > 9999) throw invalid(`${field} must be a date from year 1900 to 9999`);
}

export function checkFinishedAt(finishedAt: Date, startedAt: Date, field = 'finishedAt'): void {
  checkDate(finishedAt, field);
  if (finishedAt < startedAt) throw invalid(`${field} must not be before the run started`);
}

export function checkCredits(credits: number, field = 'credits'): void {
  if (typeof credits !== 'number' || !Number.isFinite(credits) || credits < 0 || credits > MAX_CREDITS) {
    throw invalid(`${field} must be a finite number from 0 to ${MAX_CREDITS}`);
  }
}

function kindOf(value: unknown): string {
  if (value === undefined || typeof value !== 'object' || value === null) return String(typeof value);
  return `a ${value.constructor?.name ?? 'non-plain object'}`;
}

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function storableJsonAt(value: unknown, field: string, depth: number): JsonValue {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    // JSON.stringify would store NaN and the infinities as null: a different value, silently.
    if (!Number.isFinite(value)) throw invalid(`${field} must be JSON: ${value} is not a JSON number`);
    return value;
  }
  if (typeof value === 'string') return storableText(value, field);
  if (depth >= MAX_JSON_DEPTH) throw invalid(`${field} must not nest deeper than ${MAX_JSON_DEPTH} levels`);
  if (Array.isArray(value)) {
    return Array.from(value, (item: unknown) => {
      if (item === undefined) throw invalid(`${field} must be JSON: an array holds undefined`);
      return storableJsonAt(item, field, depth + 1);
    });
  }
  if (typeof value === 'object' && isPlainObject(value)) {
    const entries: [string, JsonValue][] = [];
    const keys = new Set<string>();
    for (const [key, item] of Object.entries(value)) {
      // Left out, as JSON.stringify leaves it out: how an optional property reads.
      if (item === undefined) continue;
      const stored = storableText(key, field);
      // Merging them would silently drop one of the values.
      if (keys.has(stored)) throw invalid(`${field} has two keys that are the same once unpaired surrogates are replaced`);
      keys.add(stored);
      entries.push([stored, storableJsonAt(item, field, depth + 1)]);
    }
    // fromEntries defines own properties, so a "__proto__" key stays a key.
    return Object.fromEntries(entries) as JsonValue;
  }
  throw invalid(
    `${field} must be JSON (null, a boolean, a finite number, a string, an array or a plain object), not ${kindOf(value)}`,
  );
}

/** A JSON value as it will be stored: strings and keys repaired, anything jsonb would not give back refused. */
export const storableJson = (value: JsonValue, field: string): JsonValue => storableJsonAt(value, field, 0);

/** A tool call's content as it will be stored; `at` is the caller's to check. */
export function checkToolCall<T extends Omit<ToolCallInput, 'key'> | HistoricalToolCall>(call: T, prefix = ''): T {
  const toolName = checkShortText(call.toolName, `${prefix}toolName`);
  const input = storableJson(call.input, `${prefix}input`);
  const output = storableJson(call.output, `${prefix}output`);
  if (typeof call.ok !== 'boolean') throw invalid(`${prefix}ok must be a boolean`);
  if (!Number.isInteger(call.durationMs) || call.durationMs < 0 || call.durationMs > MAX_INTEGER) {
    throw invalid(`${prefix}durationMs must be an integer from 0 to ${MAX_INTEGER}`);
  }
  if (call.at !== undefined) checkDate(call.at, `${prefix}at`);
  return { ...call, toolName, input, output };
}
