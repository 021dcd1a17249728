/**
 * The document around the module's pages. A host passes its own `Layout` to render the module
 * inside its admin (sidebar, header); it must place `<AssetTags>` in its <head>.
 */
import { raw } from 'hono/html';
import type { Child, FC } from 'hono/jsx';
import { Fragment, h, latin1Text } from '../../src/lib/jsx.js';

export interface PageAssets {
  /** The module's stylesheet, inlined: no render-blocking request. */
  css: string;
  /** The module's one script (htmx included unless the host loads its own), loaded with defer. */
  script: string;
  /** The page's Content-Security-Policy nonce, when the host has one: on both tags. */
  nonce?: string;
}

export interface LayoutProps {
  title: string;
  /** The language of the module's words (its message table's locale), for `<html lang>`. */
  lang: string;
  assets: PageAssets;
  children?: Child;
}

export type Layout = FC<LayoutProps>;

export const AssetTags: FC<{ assets: PageAssets }> = ({ assets }) => (
  <>
    <style nonce={assets.nonce}>{raw(assets.css)}</style>
    <script src={assets.script} nonce={assets.nonce} defer />
  </>
);

export const Document: FC<{ title: string; lang: string; head?: Child; children?: Child }> = ({
  title,
  lang,
  head,
  children,
}) => (
  <>
    {raw('<!doctype html>')}
    <html lang={lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{latin1Text(title)}</title>
        {/* No favicon request: one less round trip on a slow connection. */}
        <link rel="icon" href="data:," />
        {head}
      </head>
      <body>{children}</body>
    </html>
  </>
);

/** Used when the host has no layout of its own. */
export const ModuleLayout: FC<LayoutProps & { skipLink: string }> = ({ title, lang, skipLink, assets, children }) => (
  <Document title={title} lang={lang} head={<AssetTags assets={assets} />}>
    <a class="xa-skip-link" href="#xa-main">
      {skipLink}
    </a>
    <main id="xa-main" class="xa-main" tabindex={-1}>
      {children}
    </main>
  </Document>
);
