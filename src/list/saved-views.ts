/**
 * Saved views: what a form's name and query may be, and the plain data of the header's list and
 * forms. A view stores the list's canonical query string (page and cursor left out); reading it
 * back, it is parsed like any URL, so a stored value that no longer parses (or was tampered with)
 * falls back to the defaults as a hand-typed URL would, and every link is derived from the parsed
 * query value.
 */
import { VIEW_NAME_LENGTH, VIEW_QUERY_LENGTH } from '../db/schema.js';
import { VIEWS_PER_USER, type StoredView } from '../db/saved-views.js';
import type { Messages, SavedViewErrors } from '../i18n/messages.js';
import { shorten } from '../lib/format.js';
import { parseExecutionQuery, toSearchParams, withQuery, type ExecutionQuery } from './query.js';

export type ViewErrorKey = keyof SavedViewErrors;

/** C0 and C1 controls (NUL, line breaks…) and the bidi embeddings, overrides and isolates, which could reorder the text around a name. */
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const REFUSED_IN_NAME = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
/** A half of a surrogate pair without its other half: not text, and Postgres would refuse or alter it. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** A name as the user typed it, trimmed: the name, or why it cannot be one. */
export function readViewName(raw: unknown): { name: string } | { error: ViewErrorKey } {
  const name = typeof raw === 'string' ? raw.replace(LONE_SURROGATE, '\ufffd').trim() : '';
  if (name === '') return { error: 'nameMissing' };
  if (shorten(name, VIEW_NAME_LENGTH).cut) return { error: 'nameTooLong' };
  if (REFUSED_IN_NAME.test(name)) return { error: 'nameInvalid' };
  return { name };
}

/** A name shown whatever it holds (a refused one in its field again, an owner's as the host gave it): never a control character. */
export function shownName(raw: unknown): string {
  if (typeof raw !== 'string') return '';
  return shorten(raw.replace(LONE_SURROGATE, '\ufffd').replace(new RegExp(REFUSED_IN_NAME, 'g'), ''), 2 * VIEW_NAME_LENGTH).text;
}

/** The query a view stores: the list's canonical parameters for `query`, first page, no cursor. */
export function viewQuery(query: ExecutionQuery): string {
  return toSearchParams({ ...query, page: 1, cursor: null }).toString();
}

/** A query string sent by a form (or read from storage), parsed and written canonically again. */
export function readViewQuery(raw: unknown): { query: string } | { error: ViewErrorKey } {
  const text = typeof raw === 'string' ? raw.replace(/^\?/, '') : '';
  if (text.length > VIEW_QUERY_LENGTH) return { error: 'queryTooLong' };
  const query = viewQuery(parseExecutionQuery(new URLSearchParams(text)).query);
  return query.length > VIEW_QUERY_LENGTH ? { error: 'queryTooLong' } : { query };
}

/** A name inside a sentence, isolated so right-to-left text in it leaves the sentence's order alone. */
const isolate = (name: string) => `\u2068${name}\u2069`;

export interface SavedViewLink {
  id: string;
  name: string;
  href: string;
  /** Its query is the one the list shows (any page of it). */
  current: boolean;
  /** "shared by Ana", on someone else's shared view; null on one's own. */
  sharedBy: string | null;
  /** One's own, shared or not: renamed and deleted from the manage panel. */
  own: boolean;
  shared: boolean;
  renameAction: string;
  deleteAction: string;
  /** The rename field's label, the name isolated in the sentence. */
  newNameLabel: string;
}

/** A form sent back with a problem: which form, the message, and the value to show again. */
export interface ViewFormError {
  /** 'new' for the save form, else the id of the view being renamed. */
  form: string;
  message: string;
  value: string;
}

export interface SavedViewsView {
  messages: Messages;
  links: SavedViewLink[];
  /** The save form: where it posts, the query it saves (the list's own), the CSRF token. */
  saveAction: string;
  query: string;
  token: string;
  canShare: boolean;
  nameHint: string;
  error: ViewFormError | null;
}

export interface FormProblem {
  form: string;
  error: ViewErrorKey;
  raw: unknown;
}

export function errorMessage(key: ViewErrorKey, name: string, m: Messages): string {
  const e = m.savedViews.errors;
  if (key === 'nameTooLong') return e.nameTooLong(VIEW_NAME_LENGTH);
  if (key === 'limit') return e.limit(VIEWS_PER_USER);
  if (key === 'duplicate') return e.duplicate(isolate(name));
  return e[key];
}

export function buildSavedViewsView(
  stored: StoredView[],
  shown: ExecutionQuery,
  context: { basePath: string; token: string; canShare: boolean; messages: Messages; problem?: FormProblem },
): SavedViewsView {
  const { basePath, messages: m, problem } = context;
  const current = viewQuery(shown);
  const links = stored.map((view): SavedViewLink => {
    const query = parseExecutionQuery(new URLSearchParams(view.query)).query;
    const name = shorten(view.name, VIEW_NAME_LENGTH).text;
    const action = `${basePath}/views/${view.id}`;
    return {
      id: view.id,
      name,
      href: withQuery(basePath, { ...query, page: 1, cursor: null }),
      current: viewQuery(query) === current,
      sharedBy: view.own
        ? null
        : view.ownerName
          ? m.savedViews.sharedBy(isolate(shownName(view.ownerName)))
          : m.savedViews.shared,
      own: view.own,
      shared: view.shared,
      renameAction: `${action}/rename`,
      deleteAction: `${action}/delete`,
      newNameLabel: m.savedViews.newName(isolate(name)),
    };
  });
  const name = problem ? readViewName(problem.raw) : null;
  return {
    messages: m,
    links,
    saveAction: `${basePath}/views`,
    query: current,
    token: context.token,
    canShare: context.canShare,
    nameHint: m.savedViews.nameHint(VIEW_NAME_LENGTH),
    error: problem
      ? {
          form: problem.form,
          message: errorMessage(problem.error, name && 'name' in name ? name.name : '', m),
          value: shownName(problem.raw),
        }
      : null,
  };
}
