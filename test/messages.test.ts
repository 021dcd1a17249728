/**
 * The message tables through the real routes: every page of the tour in English and in Brazilian
 * Portuguese, the document's language, no English word of the pages left in the Portuguese ones,
 * numbers and months in the locale, and the CSV the same whatever the table.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/database.js';
import { createExecutionsAdmin } from '../src/http/executions-admin.js';
import { en } from '../src/i18n/en.js';
import type { Messages } from '../src/i18n/messages.js';
import { ptBR } from '../src/i18n/pt-BR.js';
import { tourPages, type TourPage } from './support/page-tour.js';
import { XSS } from './support/fixture.js';
import { parseDocument } from './support/test-host.js';

/**
 * Every word of a table: its strings, and the text around what its functions put in (called with
 * numbers and with null, both plurals and both branches), cut at what was put in.
 */
function wordsOf(table: unknown): string[] {
  if (typeof table === 'string') return [table];
  if (typeof table === 'function') {
    const call = (arg: number | null) => String(table(...Array.from({ length: table.length }, () => arg)));
    return [1, 2, null].flatMap((arg) => call(arg).split(/\d+|null|undefined/));
  }
  if (table && typeof table === 'object') return Object.values(table).flatMap(wordsOf);
  return [];
}

/** Words a Portuguese page shares with English on purpose: the same in both languages. */
const SHARED = new Set(['Status', 'status', 'OK', 'Cron', 'byte', 'bytes']);

/** English words of the pages: each phrase of the table with a word of three letters or more. */
const ENGLISH = [...new Set(wordsOf(en).map((w) => w.trim()))].filter((w) => /\p{L}{3}/u.test(w) && !SHARED.has(w));

/**
 * The runs' own words that are words of the English table too: the fixture's hostile agent name
 * (alert("agent")), the tour's flaky one, a prompt and a response.
 */
const DATA = [XSS.agentName, 'Flaky agent', 'Scheduled run: triage the inbox', 'Summarise the day.'];

const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&amp;': '&' };

/**
 * What a reader meets on a page, the runs' data left out: its text, each element's on a line of
 * its own (the words of neighbours never run together), and the names and hints in attributes.
 */
function readable(page: TourPage): string {
  const doc = parseDocument(page.body.startsWith('<!doctype') ? page.body : `<body>${page.body}</body>`);
  const attributes = [...doc.querySelectorAll('[aria-label], [title]')].flatMap((el) => [
    el.getAttribute('aria-label') ?? '',
    el.getAttribute('title') ?? '',
  ]);
  const text = page.body
    .replace(/<(style|script)\b[\s\S]*?<\/\1>/g, '')
    .replace(/<[^>]*>/g, '\n')
    .replace(/&#(\d+);|&(lt|gt|quot|#39|amp);/g, (entity, code?: string) =>
      code && entity !== '&#39;' ? String.fromCodePoint(Number(code)) : ENTITIES[entity]!,
    );
  return DATA.reduce((all, data) => all.replaceAll(data, ''), [text, ...attributes].join('\n'));
}

/**
 * `phrase` standing as words of its own: "agent" is not in "agente". An end that is not a letter
 * needs no boundary: "Executions – " is in "Executions – page 2 of 3".
 */
const containsPhrase = (text: string, phrase: string) =>
  new RegExp(
    `${/^\p{L}/u.test(phrase) ? '(?<!\\p{L})' : ''}${phrase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${/\p{L}$/u.test(phrase) ? '(?!\\p{L})' : ''}`,
    'u',
  ).test(text);

describe('the message tables, through the routes', () => {
  let english: TourPage[];
  let portuguese: TourPage[];
  beforeAll(async () => {
    english = await tourPages();
    portuguese = await tourPages({ messages: ptBR });
  }, 300_000);

  /** The English phrases each page shows. */
  const englishIn = (pages: TourPage[]) =>
    pages.map((page) => {
      const text = readable(page);
      return ENGLISH.filter((phrase) => containsPhrase(text, phrase));
    });

  const documents = (pages: TourPage[]) => pages.filter((p) => p.body.startsWith('<!doctype'));

  it('answers every page alike in both languages', () => {
    expect(portuguese.map((p) => [p.name, p.status])).toEqual(english.map((p) => [p.name, p.status]));
    expect(documents(english).length).toBeGreaterThan(25);
  });

  it('says the document’s language: en, or the table’s locale', () => {
    for (const [pages, lang] of [
      [english, 'en'],
      [portuguese, 'pt-BR'],
    ] as const) {
      for (const page of documents(pages)) {
        expect(parseDocument(page.body).documentElement.getAttribute('lang'), page.name).toBe(lang);
      }
    }
  });

  it('leaves no English word of the pages in the Portuguese ones', () => {
    expect(ENGLISH.length).toBeGreaterThan(100);
    const leaks = englishIn(portuguese).flatMap((phrases, i) =>
      portuguese[i]!.name === 'CSV' ? [] : phrases.map((phrase) => `${portuguese[i]!.name}: ${phrase}`),
    );
    expect(leaks).toEqual([]);
  });

  it('finds the English words in the English pages, so the check above reads real text', () => {
    const shown = new Set(englishIn(english).flat());
    // All but a tool call's missing name (a check constraint refuses a tool call without one), a search's
    // lower bounds, which need more matching runs than the tour has (test/search.test.ts shows them), and
    // the note of a read replica running behind, which the tour has none of (test/read-replica.test.ts), and
    // the time for searching conversations running out, which the tour's few runs never make it (test/conversation-search.test.ts),
    // a bulk job over a single run, or a limit of one, which the tour's have more than (test/counted-messages.test.ts),
    // and the download of a title over 1,000 characters, which the tour has none of (test/conversation-bounds.test.ts).
    expect(ENGLISH.filter((phrase) => !shown.has(phrase))).toEqual([
      'Runs recorded in the last',
      'may not be shown yet.',
      'More than',
      'At least',
      'Time ran out searching conversations: those of runs before',
      'were not searched, so some of their runs may be missing here. Add a filter or date to search fewer.',
      'Time ran out searching conversations: those of runs after',
      'Unknown tool',
      'Download the full title (',
      'This acts on the one run you selected. If it cannot be acted on, it is skipped.',
      'run at once.',
      'This acts on the one run matching:',
      '. If it cannot be acted on, it is skipped.',
      'run done',
    ]);
  });

  it('writes numbers and months as Brazilians do', () => {
    const text = (name: string) => readable(portuguese.find((p) => p.name === name)!);
    expect(text('list')).toContain('49 execuções no total · 2.451,5 créditos');
    expect(text('list')).toContain('Pico de créditos: 12,3× o normal');
    expect(text('list')).toContain('Demorando mais que o normal (costuma levar 1 min)');
    expect(text('list, months')).toContain('junho de 2024');
    expect(text('conversation, completed')).toContain('20 min 34 s');
    expect(text('conversation, active')).toContain('As 100 mais lentas de 101 chamadas de ferramenta, em ordem.');
    expect(text('conversation, cut short')).toMatch(/Mostrando os primeiros 16,\d KB de 21,\d KB\./);
    expect(text('digest, more than it shows')).toContain('Somente as 50 falhas com mais execuções são mostradas.');
  });

  it('keeps the CSV in English, byte for byte, whatever the table', () => {
    const csv = (pages: TourPage[]) => pages.find((p) => p.name === 'CSV')!.body;
    expect(csv(portuguese)).toBe(csv(english));
    expect(csv(portuguese)).toContain('Agent,Schedule,Date/Time,Status,Credits,Error');
  });
});

describe('a message table', () => {
  it('is complete in Brazilian Portuguese: every message worded, none left as the English', () => {
    const same = Object.keys(en).filter((key) => {
      const words = (table: Messages) => wordsOf(table[key as keyof Messages]).join('|');
      return words(en) === words(ptBR);
    });
    // The same words in both languages, or no words at all (punctuation around what is put in).
    expect(same).toEqual(['status', 'statusFilter', 'failureName', 'fullErrorContext', 'ok', 'bytes']);
  });

  it('is refused at start-up when its locale is not a language tag, or it lacks a message', async () => {
    const database = await openDatabase({});
    const start = (messages: unknown) => () => createExecutionsAdmin({ db: database.db, messages: messages as Messages });
    try {
      expect(start(ptBR)).not.toThrow();
      expect(start({ ...ptBR, locale: 'pt_BR!' })).toThrow(RangeError);
      // As a JavaScript host could pass them, with no type check.
      const { weeklyReview: _left, ...lacking } = ptBR;
      expect(start(lacking)).toThrow('the messages table lacks weeklyReview');
      const statuses = { active: 'Ativa', completed: 'Concluída', pending: 'Pendente' };
      expect(start({ ...ptBR, statuses, runs: 'execuções' })).toThrow('the messages table lacks statuses.failed, runs');
    } finally {
      await database.close();
    }
  });

  it('must be whole to type-check', () => {
    const { weeklyReview: _left, ...partial } = ptBR;
    // @ts-expect-error A table without one of its messages is not a table.
    const incomplete: Messages = partial;
    // @ts-expect-error Nor is one whose counted message takes no count.
    const wrong: Messages = { ...ptBR, runs: (count: string) => count };
    expect([incomplete, wrong]).toHaveLength(2);
  });
});
