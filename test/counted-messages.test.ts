/**
 * Counts in words take the singular for one, in every shipped table: "1 run", never "1 runs" —
 * the counts the bulk confirmations, a job's progress and time left, a search's bounded total and
 * the activity chart's summary write.
 */
import { describe, expect, it } from 'vitest';
import { en } from '../src/i18n/en.js';
import type { Messages } from '../src/i18n/messages.js';
import { ptBR } from '../src/i18n/pt-BR.js';

const says = (m: Messages, n: number) => {
  const count = String(n);
  return [
    m.bulk.confirmTitle('Cancel', n, count),
    m.bulk.confirmText(n, count, 'status Failed'),
    m.bulk.selectedText(n, count),
    m.bulk.tooManySelected(n, count),
    m.bulk.progress('0', n, count),
    m.bulk.etaMinutes(n, count),
    m.executionsAtLeast(n, count),
    m.executionsMoreThan(n, count),
    m.chartSummary(n, count, count, 'May'),
  ];
};

describe('counts in words', () => {
  it.each([
    ['en', en, /\b(runs|minutes|executions)\b/, /\b(run|minute|execution)\b/],
    ['pt-BR', ptBR, /\b(execuções|minutos|feitas|restantes)(?!\p{L})/u, /(execução|minuto|feita|restante)(?!\p{L})/u],
  ] as const)('%s: one is singular, two plural', (_name, m, plural, singular) => {
    for (const text of says(m, 1)) expect(text).not.toMatch(plural);
    for (const text of says(m, 2)) expect(text).not.toMatch(singular);
  });
});
