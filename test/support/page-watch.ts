/**
 * What a page did that it should not have: Content-Security-Policy violations (the
 * `securitypolicyviolation` events of every document in the context, and the console's CSP
 * messages), console errors, uncaught exceptions and dialogs — collected for a whole browser
 * context, across navigations and htmx swaps.
 */
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';

export interface PageProblems {
  cspViolations: string[];
  consoleErrors: string[];
  pageErrors: string[];
  dialogs: string[];
}

export interface WatchedContext {
  context: BrowserContext;
  problems: PageProblems;
  newPage(): Promise<Page>;
}

declare global {
  interface Window {
    __xaReportViolation?: (description: string) => void;
  }
}

export async function watchedContext(browser: Browser, options: BrowserContextOptions = {}): Promise<WatchedContext> {
  const context = await browser.newContext(options);
  const problems: PageProblems = { cspViolations: [], consoleErrors: [], pageErrors: [], dialogs: [] };
  await context.exposeFunction('__xaReportViolation', (description: string) => problems.cspViolations.push(description));
  // Runs in every document before its own scripts, so no violation goes unseen.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__xaReportViolation?.(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} (${e.sample})`);
    });
  });
  const watch = (page: Page) => {
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const text = message.text();
      (/Content Security Policy/i.test(text) ? problems.cspViolations : problems.consoleErrors).push(text);
    });
    page.on('pageerror', (error) => problems.pageErrors.push(String(error)));
    page.on('dialog', (dialog) => {
      problems.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss();
    });
  };
  context.on('page', watch);
  return { context, problems, newPage: () => context.newPage() };
}
