/**
 * The views' JSX factory against hono/jsx: the same tree, built once through each, renders to the
 * same bytes — whatever the text, attributes and nesting — so replacing hono's renderer changed
 * no page. What it refuses, it refuses loudly.
 */
import { serialize } from 'node:v8';
import fc from 'fast-check';
import { raw } from 'hono/html';
import { jsx, Fragment as HonoFragment } from 'hono/jsx';
import { describe, expect, it } from 'vitest';
import { Fragment, h, latin1Text } from '../src/lib/jsx.js';
import { XSS_PAYLOADS } from './support/xss-corpus.js';

type Factory = (tag: unknown, props: Record<string, unknown> | null, ...children: unknown[]) => unknown;

/** A tree as data, built into elements by either factory. */
type Tree =
  | { kind: 'text'; value: string | number | boolean | null | undefined }
  | { kind: 'raw'; html: string }
  | { kind: 'element'; tag: string; attributes: [string, unknown][]; children: Tree[] }
  | { kind: 'fragment'; children: Tree[] }
  | { kind: 'component'; returns: 'element' | 'children' | 'text' | 'nothing'; text: string; children: Tree[] }
  | { kind: 'list'; items: Tree[] };

function build(tree: Tree, factory: Factory, fragment: unknown): unknown {
  switch (tree.kind) {
    case 'text':
      return tree.value;
    case 'raw':
      return raw(tree.html);
    case 'element':
      return factory(
        tree.tag,
        tree.attributes.length ? Object.fromEntries(tree.attributes) : null,
        ...tree.children.map((c) => build(c, factory, fragment)),
      );
    case 'fragment':
      return factory(fragment, null, ...tree.children.map((c) => build(c, factory, fragment)));
    case 'list':
      return tree.items.map((c) => build(c, factory, fragment));
    case 'component': {
      const component = (props: { label: string; children?: unknown }) => {
        if (tree.returns === 'element') return factory('section', { 'aria-label': props.label }, props.children);
        if (tree.returns === 'children') return props.children ?? null;
        if (tree.returns === 'text') return props.label;
        return null;
      };
      return factory(component, { label: tree.text }, ...tree.children.map((c) => build(c, factory, fragment)));
    }
  }
}

/**
 * Where hono/jsx is wrong, and the factory renders what React would: a fragment or an <svg> whose
 * one child is a falsy number drops it (`children ? [children] : []`), and an <svg> whose one
 * child is `true` writes "true".
 */
function honoQuirk(tree: Tree): boolean {
  const only = (children: Tree[]) => (children.length === 1 && children[0]!.kind === 'text' ? children[0]!.value : 'none');
  switch (tree.kind) {
    case 'fragment': {
      const value = only(tree.children);
      return (typeof value === 'number' && !value) || tree.children.some(honoQuirk);
    }
    case 'element': {
      const value = only(tree.children);
      return (tree.tag === 'svg' && ((typeof value === 'number' && !value) || value === true)) || tree.children.some(honoQuirk);
    }
    case 'component':
      return tree.children.some(honoQuirk);
    case 'list':
      return tree.items.some(honoQuirk);
    default:
      return false;
  }
}

const renderWithHono = (tree: Tree) =>
  String((build({ kind: 'fragment', children: [tree] }, jsx as Factory, HonoFragment) as object).toString());
const renderWithOurs = (tree: Tree) => String(build({ kind: 'fragment', children: [tree] }, h as Factory, Fragment));

/** Whether a tree has an attribute name with a character hono refuses, or an empty one. */
function hasInvalidAttributeName(tree: Tree): boolean {
  switch (tree.kind) {
    case 'element':
      return (
        tree.attributes.some(([name]) => name === '' || NAME_BREAKERS.some((c) => name.includes(c))) ||
        tree.children.some(hasInvalidAttributeName)
      );
    case 'fragment':
    case 'component':
      return tree.children.some(hasInvalidAttributeName);
    case 'list':
      return tree.items.some(hasInvalidAttributeName);
    default:
      return false;
  }
}

/** The markup, or that the tree was refused for an invalid tag name (hono's only refusal here). */
function outcome(render: () => string): { html: string } | { refused: string } {
  try {
    return { html: render() };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { refused: /invalid JSX tag name/i.test(message) ? 'invalid tag name' : message };
  }
}

const hostileText = fc.oneof(
  fc.string(),
  fc.constantFrom(...XSS_PAYLOADS),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom('&amp;', '"\'<>&', ''),
);
// head, html, svg's camelCase attributes and metadata hoisting are the documented differences.
const VOID_TAGS = ['br', 'input', 'img', 'meta', 'hr'];
const tags = fc.constantFrom(
  'div',
  'span',
  'p',
  'a',
  'td',
  'button',
  'ul',
  'li',
  'br',
  'input',
  'img',
  'meta',
  'hr',
  'title',
  'svg',
  'path',
  'time',
  'strong',
  'select',
  'option',
  'form',
);
const attributeNames = fc.constantFrom(
  'class',
  'id',
  'href',
  'title',
  'hx-get',
  'aria-label',
  'data-x',
  'hidden',
  'disabled',
  'selected',
  'open',
  'defer',
  'popover',
  'tabindex',
  'viewBox',
  'className',
  'htmlFor',
  'httpEquiv',
  'value',
  'aria-hidden',
  'key',
);
const attributeValues = fc.oneof(hostileText, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined));

/**
 * Characters hono/jsx refuses in a tag or attribute name (white space as JavaScript's \s has it,
 * quotes, `<>/=`, backtick, backslash, C0 and C1 controls): each could end the name early.
 */
const NAME_BREAKERS = [
  ' ',
  '\t',
  '\n',
  '\f',
  '\r',
  '\v',
  '\u00a0',
  '\u2028',
  '\ufeff',
  '\u3000',
  '"',
  "'",
  '<',
  '>',
  '/',
  '=',
  '`',
  '\\',
  '\u0000',
  '\u001b',
  '\u001f',
  '\u007f',
  '\u0085',
  '\u009f',
];
/** A name with one such character put in anywhere: always invalid. */
const broken = (names: fc.Arbitrary<string>) =>
  fc.tuple(names, fc.constantFrom(...NAME_BREAKERS), fc.nat()).map(([name, breaker, at]) => {
    const i = at % (name.length + 1);
    return name.slice(0, i) + breaker + name.slice(i);
  });
/**
 * Tag names: mostly the ones above; some that inject markup; some hono accepts that look odd (the
 * empty name, `!` or `?` after the start, non-ASCII); and any short string.
 */
const anyTags = fc.oneof(
  { arbitrary: tags, weight: 20 },
  { arbitrary: broken(tags), weight: 2 },
  {
    arbitrary: fc.constantFrom('img src=x onerror=alert(1)', 'script/', '!--', '!doctype', '?xml', 'svg onload=alert(1)'),
    weight: 1,
  },
  { arbitrary: fc.constantFrom('', 'x-widget', 'a!', 'b?', 'élément', 'svg:rect', '{x}', '@x'), weight: 1 },
  { arbitrary: fc.string({ maxLength: 6 }), weight: 1 },
);
const invalidAttributeNames = fc.oneof(
  broken(attributeNames),
  fc.constantFrom('', 'onerror"', '"><script>alert(1)</script>', 'x onload', 'a=b', 'autofocus/onfocus'),
);
/**
 * An attribute: mostly a usual name and value. An invalid name comes with any value, a function or
 * an object too, which hono leaves out with the name, before looking at the value.
 */
const attributes = fc.oneof(
  { arbitrary: fc.tuple(attributeNames, attributeValues), weight: 12 },
  {
    arbitrary: fc.tuple(
      invalidAttributeNames,
      fc.oneof(
        attributeValues,
        fc.constant(() => 'x'),
        fc.constant({ color: 'red' }),
      ),
    ),
    weight: 2,
  },
  {
    arbitrary: fc.tuple(fc.constantFrom('!x', '?x', '@click', 'x:y', 'a.b', '_', 'data-é', '{x}', 'on'), attributeValues),
    weight: 1,
  },
  // Lower case: in an <svg>, hono rewrites some camelCase names (a documented difference).
  {
    arbitrary: fc.tuple(
      fc.string({ maxLength: 6 }).map((name) => name.toLowerCase()),
      attributeValues,
    ),
    weight: 1,
  },
);

const trees = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({
      kind: fc.constant('text' as const),
      value: fc.oneof(hostileText, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined)),
    }),
    fc.record({ kind: fc.constant('raw' as const), html: fc.constantFrom('<b>bold</b>', '&nbsp;', '<br/>') }),
    fc
      .record({
        kind: fc.constant('element' as const),
        tag: anyTags,
        attributes: fc.uniqueArray(attributes, { maxLength: 5, selector: ([name]) => name }),
        children: fc.array(tie('tree'), { maxLength: 4 }),
      })
      .map((element) => (VOID_TAGS.includes(element.tag) ? { ...element, children: [] } : element)),
    fc.record({ kind: fc.constant('fragment' as const), children: fc.array(tie('tree'), { maxLength: 4 }) }),
    fc.record({
      kind: fc.constant('component' as const),
      returns: fc.constantFrom('element' as const, 'children' as const, 'text' as const, 'nothing' as const),
      text: hostileText,
      children: fc.array(tie('tree'), { maxLength: 3 }),
    }),
    fc.record({ kind: fc.constant('list' as const), items: fc.array(tie('tree'), { maxLength: 4 }) }),
  ),
})).tree;

describe('the views’ JSX factory', () => {
  it('renders any tree byte for byte as hono/jsx does, and refuses the trees hono refuses', () => {
    const seen = { rendered: 0, refused: 0, renderedLeavingOutNames: 0 };
    fc.assert(
      fc.property(
        trees.filter((tree) => !honoQuirk({ kind: 'fragment', children: [tree] })),
        (tree) => {
          const expected = outcome(() => renderWithHono(tree));
          expect(outcome(() => renderWithOurs(tree))).toEqual(expected);
          if ('refused' in expected) seen.refused += 1;
          else if (hasInvalidAttributeName(tree)) seen.renderedLeavingOutNames += 1;
          else seen.rendered += 1;
        },
      ),
      { numRuns: 3000 },
    );
    // Every kind of tree, in numbers: none of the comparisons is left to chance.
    expect(seen.rendered).toBeGreaterThan(1000);
    expect(seen.refused).toBeGreaterThan(100);
    expect(seen.renderedLeavingOutNames).toBeGreaterThan(100);
  });

  it('refuses a tag name that would inject markup, and leaves out such attribute names, as hono does', () => {
    for (const tag of ['img src=x onerror=alert(1)', 'div>', '!--', 'a\u0000']) {
      expect(() => jsx(tag, null)).toThrow(/Invalid JSX tag name/);
      expect(() => h(tag, null)).toThrow(/invalid JSX tag name/);
    }
    const props = {
      title: 'kept',
      'onclick="alert(1)"': 'x',
      '': 'empty',
      'x onload': () => 1,
      'a b': { color: 'red' },
      '@click': 'y',
    };
    const expected = '<div title="kept" @click="y"></div>';
    expect(String(jsx('div', { ...props }))).toBe(expected);
    expect(String(h('div', { ...props }))).toBe(expected);
  });

  it('escapes text and attribute values, and leaves raw() markup alone', () => {
    const markup = String(h('a', { href: '/x?a=1&b="2"', title: "it's <b>" }, '<script>alert(1)</script>', raw('<b>ok</b>')));
    expect(markup).toBe(
      '<a href="/x?a=1&amp;b=&quot;2&quot;" title="it&#39;s &lt;b&gt;">&lt;script&gt;alert(1)&lt;/script&gt;<b>ok</b></a>',
    );
  });

  it('writes text beyond Latin-1 as character references, which decode to the same text, otherwise escaped as hono escapes it', () => {
    const decode = (html: string) =>
      html
        .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&amp;/g, '&');
    expect(String(latin1Text('Executions – page 2 of 9 <b>'))).toBe('Executions &#8211; page 2 of 9 &lt;b&gt;');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const html = String(latin1Text(text));
        expect([...html].every((c) => c.charCodeAt(0) <= 0xff)).toBe(true);
        expect(decode(html)).toBe(text);
        if (!/[\u0100-\u{10ffff}]/u.test(text)) expect(html).toBe(String(jsx(HonoFragment, {}, text)));
      }),
    );
  });

  it('gives text beyond Latin-1 back as a one-byte string, so that a page around it is one-byte too (docs/performance.md)', () => {
    // V8's serializer tags a string by how V8 holds it, one-byte or two-byte.
    const held = (text: string) => serialize(text)[2];
    const zone = `Times in Brasilia Standard Time, UTC${'\u2212'}03:00`;
    expect(held(zone)).not.toBe(held('Executions'));
    expect(held(String(latin1Text(zone)))).toBe(held('Executions'));
    expect(held(`<p>${String(latin1Text(zone))}</p>`)).toBe(held('Executions'));
  });

  it('embeds a host’s hono element as markup', () => {
    const host = jsx('nav', { 'aria-label': 'Admin' }, 'Home & away');
    expect(String(h('div', null, host))).toBe('<div><nav aria-label="Admin">Home &amp; away</nav></div>');
  });

  it('refuses what it cannot render as hono would: promises, object attribute values, function attributes, children of void elements', () => {
    expect(() => h('input', null, undefined)).toThrow(/cannot have children/);
    expect(() => h('div', null, Promise.resolve('late'))).toThrow(/synchronously/);
    expect(() => h('div', { style: { color: 'red' } })).toThrow(/must be a string, number or boolean/);
    expect(() => h('div', { title: h('b', null) })).toThrow(/must be a string, number or boolean/);
    expect(() => h('div', { href: () => '/x' })).toThrow(/cannot be a function/);
    // Event handlers have no meaning on the server: dropped, as hono drops them.
    expect(String(h('button', { onclick: () => undefined }, 'Go'))).toBe('<button>Go</button>');
  });
});
