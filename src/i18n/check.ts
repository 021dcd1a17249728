/**
 * A host's table checked as the module starts: TypeScript holds a TypeScript host's table
 * complete, but a JavaScript host's could lack a message, and each page using it would fail.
 */
import { en } from './en.js';
import type { Messages } from './messages.js';

/** Each message of English's that `table` lacks or has of another kind (text, function, record). */
function missing(table: unknown, english: unknown, path: string): string[] {
  if (typeof english !== 'object' || english === null) return typeof table === typeof english ? [] : [path];
  if (typeof table !== 'object' || table === null) return [path];
  return Object.entries(english).flatMap(([key, value]) =>
    missing((table as Record<string, unknown>)[key], value, path ? `${path}.${key}` : key),
  );
}

/** Throws, naming what is wrong, for a table that lacks a message or whose locale is no language tag. */
export function checkMessages(table: Messages): void {
  const lacking = missing(table, en, '');
  if (lacking.length > 0) throw new TypeError(`executions-admin: the messages table lacks ${lacking.join(', ')}`);
  Intl.getCanonicalLocales(table.locale);
}
