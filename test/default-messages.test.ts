/**
 * The module's pages with its default (English) messages, byte for byte: each page of the tour
 * hashed, held against the hashes its pages had before the messages moved into a table. A change
 * of any page's markup or text shows here as that page's hash; after an intended change, update
 * them with `npx vitest run test/default-messages.test.ts -u`.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadAssets } from '../src/http/assets.js';
import { tourPages } from './support/page-tour.js';

const { css, script } = loadAssets({ serveHtmx: true });

/**
 * The page as hashed: the inlined stylesheet and the script's hashed name, assets no message
 * touches, left out so that a change to them alone does not show here.
 */
function hashed(body: string): string {
  const markup = body.replaceAll(`<style>${css}</style>`, '<style></style>').replaceAll(script.name, 'executions.js');
  return createHash('sha256').update(markup).digest('hex');
}

describe('the default messages', () => {
  it('render every page as the module rendered it before its messages were a table', async () => {
    const pages = await tourPages();
    expect(Object.fromEntries(pages.map((p) => [p.name, `${p.status} ${hashed(p.body)}`]))).toMatchSnapshot();
  });
});
