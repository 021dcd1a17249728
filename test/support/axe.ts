/** axe-core run in a Chromium page: WCAG 2.2 AA, a colour-contrast result left "incomplete" counted as a failure. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

interface AxeFinding {
  id: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Violations, plus colour-contrast checks axe could not decide. */
export async function axeProblems(page: Page): Promise<AxeFinding[]> {
  // Evaluated through DevTools, not added as a <script>: the page's CSP allows no inline script.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(
    (tags) =>
      (
        window as unknown as {
          axe: { run: (ctx: Document, o: object) => Promise<{ violations: AxeFinding[]; incomplete: AxeFinding[] }> };
        }
      ).axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations', 'incomplete'] }),
    TAGS,
  );
  const undecidedContrast = results.incomplete.filter((r) => r.id === 'color-contrast');
  return [...results.violations, ...undecidedContrast].map((r) => ({
    id: r.id,
    nodes: r.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
  }));
}
