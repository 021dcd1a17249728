/**
 * WCAG 1.4.3 and 1.4.11 from the stylesheet itself, every rule rather than the states axe happens
 * to see: each text colour against every surface it can sit on (4.5:1, 3:1 for large text), each
 * control's border, focus indicator and chart bar against its surroundings (3:1). Custom
 * properties are resolved from the stylesheet. Surfaces that hold other rules' text are named
 * below; any other background must come with its own text colour, so a new background colour
 * the table does not know fails here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const CSS = readFileSync(new URL('../public/executions.css', import.meta.url), 'utf8');

/** The host's page behind the module: GOV.UK pages and most admins are white. */
const PAGE = '#ffffff';

/** Containers whose background holds any text of the module (links, errors, secondary text …). */
const SURFACES: Record<string, string> = {
  '.xa-filters': '#f3f2f1',
  '.xa-payload': '#f3f2f1',
  '.xa-error-popover': '#ffffff',
  // A bulk job's bar: its track, bordered #0b0c0c; the words of its progress are beside it, on the page.
  '.xa-progress': '#ffffff',
  '.xa-progress::-webkit-progress-bar': '#ffffff',
};

/** Chart bars (fills), legend swatches and a job's progress sit on the page; 3:1 against it (WCAG 1.4.11). */
const GRAPHICS = /^(\.xa-bar--[a-z]+|\.xa-progress::-webkit-progress-value|\.xa-progress::-moz-progress-bar)$/;

/** Borders that carry no information: a control's boundary never appears here. */
const DECORATIVE = new Set([
  '.xa-table th', // row separators: the text and column order carry the table
  '.xa-table td',
  '.xa-timeline', // the timeline's rule: each step has its own heading
  '.xa-payload', // the payload's left rule: it also has its own background and heading
]);

interface Rule {
  selector: string;
  media: string | null;
  decls: Map<string, string>;
}

function parse(css: string): Rule[] {
  const rules: Rule[] = [];
  const text = css.replace(/\/\*[\s\S]*?\*\//g, '');
  const block = /([^{}]+)\{([^{}]*)\}|(@media[^{]+)\{|\}/g;
  let media: string | null = null;
  for (const m of text.matchAll(block)) {
    if (m[3]) media = m[3].trim();
    else if (m[0] === '}') media = null;
    else {
      const decls = new Map<string, string>();
      for (const d of m[2]!.split(';')) {
        const i = d.indexOf(':');
        if (i > 0) decls.set(d.slice(0, i).trim(), d.slice(i + 1).trim());
      }
      for (const selector of m[1]!.split(/,(?![^(]*\))/))
        rules.push({ selector: selector.trim().replace(/\s+/g, ' '), media, decls });
    }
  }
  return rules;
}

const rules = parse(CSS);
/** Colour rules in forced-colours mode name system colours: tested in Chromium (browser-forced-colors). */
const normal = rules.filter((r) => r.media === null || !/forced-colors/.test(r.media));
const vars = new Map(
  normal.filter((r) => r.selector === '.xa').flatMap((r) => [...r.decls].filter(([k]) => k.startsWith('--xa-'))),
);
const resolve = (value: string) =>
  value.replace(/var\((--xa-[a-z-]+)\)/g, (_, name: string) => vars.get(name) ?? `unknown(${name})`);

type Rgb = [number, number, number];
/** Opaque colours in a value, in order; transparent ones and keywords left out. */
function colours(value: string): Rgb[] {
  const found: Rgb[] = [];
  for (const m of resolve(value).matchAll(/#([0-9a-f]{6}|[0-9a-f]{3})\b|rgb\(([^)]*)\)|unknown\([^)]*\)/gi)) {
    if (m[0].startsWith('unknown')) throw new Error(`undefined custom property ${m[0]}`);
    if (m[1]) {
      const hex = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1];
      found.push([0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as Rgb);
    } else {
      const [r, g, b, alpha] = m[2]!.split(/[\s,/]+/).map(Number);
      if (alpha === undefined || alpha >= 1) found.push([r!, g!, b!]);
    }
  }
  return found;
}
const one = (value: string): Rgb | null => colours(value)[0] ?? null;
const hex = (c: Rgb) => `#${c.map((n) => n.toString(16).padStart(2, '0')).join('')}`;

const luminance = (c: Rgb) =>
  c
    .map((v) => v / 255)
    .map((v) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i]!, 0);
function contrast(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

const backgroundOf = (r: Rule) => one(r.decls.get('background-color') ?? r.decls.get('background') ?? '');
/** The same element without its state: `.xa-button:hover` → `.xa-button`. */
const stateless = (selector: string) => selector.replace(/:(hover|focus-visible|focus|visited|active)\b/g, '');
/** The text colour a background-only rule's element keeps: from its own stateless rule. */
const ownText = (r: Rule) =>
  r.decls.has('color')
    ? one(r.decls.get('color')!)
    : one(normal.find((o) => o.selector === stateless(r.selector) && o.decls.has('color'))?.decls.get('color') ?? '');

const remToPx = (v: string) => (v.endsWith('rem') ? parseFloat(v) * 16 : v.endsWith('px') ? parseFloat(v) : 16);
/** Large text (WCAG): at least 24 px, or 18.66 px and bold. */
function isLarge(r: Rule): boolean {
  const size = remToPx(r.decls.get('font-size') ?? '1rem');
  return size >= 24 || (size >= 18.66 && Number(r.decls.get('font-weight') ?? 400) >= 700);
}

const surfaces = [...new Set([PAGE, ...Object.values(SURFACES)])].map((c) => one(c)!);
const isSurface = (r: Rule) => r.selector in SURFACES;
const isFocus = (r: Rule) => /:focus/.test(r.selector);

interface Pair {
  rule: string;
  what: string;
  fg: Rgb;
  bg: Rgb;
  min: number;
}

/** Every pair the stylesheet can produce, with the ratio it needs. */
function pairs(): Pair[] {
  const out: Pair[] = [];
  for (const r of normal) {
    const bg = backgroundOf(r);
    const text = r.decls.has('color') ? one(r.decls.get('color')!) : null;
    const min = isLarge(r) ? 3 : 4.5;
    if (GRAPHICS.test(r.selector)) {
      for (const prop of ['fill', 'background']) {
        const c = one(r.decls.get(prop) ?? '');
        if (c) for (const s of [one(PAGE)!]) out.push({ rule: r.selector, what: `${prop} on the page`, fg: c, bg: s, min: 3 });
      }
      continue;
    }
    if (bg && !isSurface(r)) {
      // A painted box (tag, button, focus): its own text on it, and the box itself needs no
      // contrast with the page when its text does not depend on it.
      const fg = ownText(r);
      if (!fg) throw new Error(`${r.selector} paints ${hex(bg)} with no text colour of its own: add it to SURFACES`);
      out.push({ rule: r.selector, what: 'text on its own background', fg, bg, min });
    } else if (text) {
      for (const s of bg ? [bg] : surfaces) out.push({ rule: r.selector, what: 'text', fg: text, bg: s, min });
    }
    const fill = r.decls.get('fill');
    if (fill && one(fill) && !DECORATIVE.has(r.selector))
      throw new Error(`${r.selector} fills with ${fill}: a chart colour belongs under GRAPHICS`);
    // Control boundaries: borders, the checkbox's accent, focus outlines and shadows.
    const boundary = [...r.decls]
      .filter(([k]) => /^(border|outline|accent-color)/.test(k) || (isFocus(r) && k === 'box-shadow'))
      .flatMap(([k, v]) => colours(v).map((c) => [k, c] as const));
    if (DECORATIVE.has(r.selector) || boundary.length === 0) continue;
    const against = bg ? [bg, ...surfaces] : surfaces;
    if (isFocus(r)) {
      // A focus indicator may be two colours (GOV.UK's yellow and black): one of them must stand out.
      for (const s of against) {
        const best = boundary.reduce((b, [, c]) => (contrast(c, s) > contrast(b[1], s) ? [b[0], c] : b), boundary[0]!);
        out.push({ rule: r.selector, what: `focus indicator (${best[0]})`, fg: best[1], bg: s, min: 3 });
      }
    } else {
      for (const [k, c] of boundary) for (const s of against) out.push({ rule: r.selector, what: k, fg: c, bg: s, min: 3 });
    }
  }
  return out;
}

describe('colour contrast of every rule in the stylesheet', () => {
  it('knows each surface by the background the stylesheet gives it', () => {
    for (const [selector, colour] of Object.entries(SURFACES)) {
      const rule = normal.find((r) => r.selector === selector && backgroundOf(r));
      expect(rule, `${selector} has a background in executions.css`).toBeDefined();
      expect(hex(backgroundOf(rule!)!)).toBe(colour);
    }
    for (const selector of DECORATIVE)
      expect(
        normal.some((r) => r.selector === selector),
        selector,
      ).toBe(true);
  });

  it('checks the pairs users meet: links in each state on the filter panel, errors, secondary text, tags, bars', () => {
    const checked = pairs();
    const on = (rule: string, bg: string) => checked.some((p) => p.rule === rule && hex(p.bg) === bg);
    for (const rule of ['.xa a:visited', '.xa a:hover', '.xa a', '.xa-error-message', '.xa-removed', '.xa-secondary'])
      expect(on(rule, '#f3f2f1'), rule).toBe(true);
    for (const rule of ['.xa-tag--red', '.xa a:focus-visible', '.xa a.xa-button--secondary:hover', '.xa-button:hover'])
      expect(
        checked.some((p) => p.rule === rule && p.what.startsWith('text on its own')),
        rule,
      ).toBe(true);
    for (const rule of ['.xa-bar--yellow', '.xa-select', '.xa button:focus-visible', '.xa-checkbox__input'])
      expect(
        checked.some((p) => p.rule === rule && p.min === 3),
        rule,
      ).toBe(true);
    expect(checked.length).toBeGreaterThan(60);
  });

  it('holds 4.5:1 for text, 3:1 for large text and for controls, focus indicators and chart bars', () => {
    const failing = pairs()
      .filter((p) => contrast(p.fg, p.bg) < p.min)
      .map((p) => `${p.rule}: ${p.what} ${hex(p.fg)} on ${hex(p.bg)} is ${contrast(p.fg, p.bg).toFixed(2)}:1, needs ${p.min}:1`);
    expect(failing).toEqual([]);
  });

  it('computes WCAG ratios as the reference does', () => {
    expect(contrast([0, 0, 0], [255, 255, 255])).toBeCloseTo(21, 5);
    expect(contrast([0xd4, 0x35, 0x1c], [0xf3, 0xf2, 0xf1])).toBeCloseTo(4.34, 2);
  });
});
