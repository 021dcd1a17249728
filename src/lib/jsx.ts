/**
 * The JSX factory of the module's views: each element becomes its HTML string as it is created,
 * escaped exactly as hono/jsx escapes it, and is handed around as hono's escaped-string type, so
 * hono (a host's layout, `c.html()`, `c.render()`) takes it as finished markup.
 *
 * Why not hono/jsx's own: it builds a tree of nodes, then walks it to a string inside an
 * AsyncLocalStorage context (for async components and context providers, which the views do not
 * use). For a list page that cost several times the CPU of building strings directly, and was the
 * largest single cost of a request on the server's main thread (see docs/performance.md). The
 * output is the same byte for byte: test/jsx.test.ts holds it to hono's for any tree of the
 * supported kinds.
 *
 * Supported, as hono renders them: intrinsic elements (void elements self-closed),
 * function components, fragments, string/number/boolean/null/array children, escaped strings
 * (`raw()`, a host's hono element), attributes with string, number, boolean (hono's list of
 * boolean attributes) and null/undefined values, React-style names (className, htmlFor…).
 * Refused rather than rendered differently: async components and promises, object values of
 * attributes (style objects, elements, dangerouslySetInnerHTML), children of void elements.
 * Tag names hono refuses (white space, quotes, `<>/=`… in them) throw, as hono's throw; attribute
 * names hono leaves out are left out. Not done: SVG attributes in camelCase are not rewritten
 * (write them as SVG has them, `stroke-width`), and document metadata is not hoisted (a `<title>`
 * stays where it is written).
 */
import type { JSX as HonoJSX } from 'hono/jsx/jsx-runtime';
import { raw } from 'hono/html';
import { escapeToBuffer, type HtmlEscapedString } from 'hono/utils/html';

/** As hono/jsx: elements written `<br />` when they have no children. */
const VOID_ELEMENTS = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'keygen',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
]);

/** As hono/jsx: `true` renders `name=""`, `false` leaves the attribute out. */
const BOOLEAN_ATTRIBUTES = new Set([
  'allowfullscreen',
  'async',
  'autofocus',
  'autoplay',
  'checked',
  'controls',
  'default',
  'defer',
  'disabled',
  'download',
  'formnovalidate',
  'hidden',
  'inert',
  'ismap',
  'itemscope',
  'loop',
  'multiple',
  'muted',
  'nomodule',
  'novalidate',
  'open',
  'playsinline',
  'readonly',
  'required',
  'reversed',
  'selected',
  'shadowrootclonable',
  'shadowrootdelegatesfocus',
  'shadowrootserializable',
]);

/** As hono/jsx: React's names for attributes, written as HTML names them. */
const ATTRIBUTE_NAMES = new Map([
  ['className', 'class'],
  ['htmlFor', 'for'],
  ['crossOrigin', 'crossorigin'],
  ['httpEquiv', 'http-equiv'],
  ['itemProp', 'itemprop'],
  ['fetchPriority', 'fetchpriority'],
  ['noModule', 'nomodule'],
  ['formAction', 'formaction'],
]);

/**
 * As hono/jsx (its isValidTagName and isValidAttributeName): a name that could end the tag or the
 * attribute early — white space, quotes, `<>/=`, a backtick, a backslash, a control character —
 * would let a name taken from data inject markup (`img src=x onerror=…`). Tag names also may not
 * start as a comment, doctype or processing instruction would (`!`, `?`).
 */
// Control characters are exactly what these refuse.
// eslint-disable-next-line no-control-regex
const INVALID_ATTRIBUTE_NAME = /[\s"'<>/=`\\\x00-\x1f\x7f-\x9f]/;
// eslint-disable-next-line no-control-regex
const INVALID_TAG_NAME = /^[!?]|[\s"'<>/=`\\\x00-\x1f\x7f-\x9f]/;
/**
 * What the factory writes for each name it has met, found valid or not once: one lookup per
 * element and per attribute, where checking and rewriting names took several (see
 * docs/performance.md). The views write their names as literals, so these stay small; cleared when
 * full, as hono's caches of valid names are, so names from data cannot grow them without bound.
 */
const NAMES_MAX = 1024;

interface Tag {
  /** `<name` */
  open: string;
  /** `</name>`, or null for a void element. */
  close: string | null;
}
const tags = new Map<string, Tag>();

/** hono accepts the empty tag name (it writes `<></>`), so this does too. */
function tagOf(name: unknown): Tag {
  let tag = typeof name === 'string' ? tags.get(name) : undefined;
  if (tag) return tag;
  // hono throws here too, as the element is created.
  if (typeof name !== 'string' || INVALID_TAG_NAME.test(name)) {
    throw new TypeError(`executions-admin views: invalid JSX tag name ${JSON.stringify(name)}`);
  }
  tag = { open: `<${name}`, close: VOID_ELEMENTS.has(name) ? null : `</${name}>` };
  if (tags.size >= NAMES_MAX) tags.clear();
  tags.set(name, tag);
  return tag;
}

interface Attribute {
  /** The name as HTML has it (`class` for `className`). */
  name: string;
  /** ` name="`, for a value. */
  open: string;
  /** ` name=""` for a boolean attribute set, null for any other attribute. */
  set: string | null;
}
/** By the key as written; null: an invalid name, left out. */
const attributes = new Map<string, Attribute | null>();

function attributeOf(key: string): Attribute | null {
  let attribute = attributes.get(key);
  if (attribute !== undefined) return attribute;
  const name = ATTRIBUTE_NAMES.get(key) ?? key;
  attribute =
    name === '' || INVALID_ATTRIBUTE_NAME.test(name)
      ? null
      : { name, open: ` ${name}="`, set: BOOLEAN_ATTRIBUTES.has(name) ? ` ${name}=""` : null };
  if (attributes.size >= NAMES_MAX) attributes.clear();
  attributes.set(key, attribute);
  return attribute;
}

type Props = Record<string, unknown>;
type Component = (props: Props) => unknown;

/** A value hono treats as finished markup: its own escaped strings and its elements. */
function isEscaped(value: object): value is { isEscaped: true } {
  return (value as { isEscaped?: unknown }).isEscaped === true;
}

function markupOf(child: object): string {
  if (!(child instanceof Promise) && isEscaped(child)) {
    const text: unknown = child.toString();
    if (typeof text === 'string') return text;
  }
  throw new TypeError('executions-admin views render synchronously to strings: unsupported child (a promise or an object)');
}

/** Appends children to buffer[0], as hono's childrenToStringToBuffer does. */
function appendChildren(children: unknown, buffer: [string]): void {
  if (typeof children === 'string') escapeToBuffer(children, buffer);
  else if (typeof children === 'number') buffer[0] += children;
  else if (children === null || children === undefined || typeof children === 'boolean') return;
  else if (Array.isArray(children)) for (const child of children) appendChildren(child, buffer);
  else if (typeof children === 'object') buffer[0] += markupOf(children);
  else throw new TypeError(`executions-admin views: unsupported child of type ${typeof children}`);
}

function appendAttribute(buffer: [string], key: string, value: unknown): void {
  if (key === 'children' || key === 'key' || key === 'ref' || value === null || value === undefined) return;
  const attribute = attributeOf(key);
  // Left out, whatever its value, as hono leaves it out: an element written with a spread of data
  // keeps its other attributes.
  if (attribute === null) return;
  const { name } = attribute;
  if (typeof value === 'boolean' && attribute.set !== null) {
    if (value) buffer[0] += attribute.set;
    return;
  }
  if (typeof value === 'function') {
    // hono drops event handlers on the server and refuses any other function.
    if (name.startsWith('on')) return;
    throw new TypeError(`executions-admin views: attribute ${name} cannot be a function`);
  }
  buffer[0] += attribute.open;
  if (typeof value === 'string') escapeToBuffer(value, buffer);
  else if (typeof value === 'number') buffer[0] += value;
  else if (typeof value === 'boolean') buffer[0] += value;
  // An element or a raw() string as a value: hono escapes the one and not the other, and the two
  // look alike here. Neither has a use in an attribute.
  else throw new TypeError(`executions-admin views: attribute ${name} must be a string, number or boolean`);
  buffer[0] += '"';
}

const BEYOND_LATIN1 = /[\u0100-\u{10ffff}]/gu;

/**
 * Text escaped as a child is, with each character beyond Latin-1 written as a character
 * reference, for the views' texts whose messages write such characters (the title's en dash, the
 * minus of a zone's offset, the dash between a failure's tool and error): the browser shows and
 * reads the same text, and a page whose only such characters are these stays a one-byte string,
 * which is cheaper to encode (docs/performance.md#counted-per-request-2026-12-03).
 */
export function latin1Text(text: string): HtmlEscapedString {
  const buffer: [string] = [''];
  escapeToBuffer(text, buffer);
  const escaped = buffer[0];
  const latin1 = escaped.replace(BEYOND_LATIN1, (c) => `&#${c.codePointAt(0)};`);
  // V8 keeps what is made from a two-byte string two-byte, whatever it then holds (a replace, a
  // slice, a join): copied through Latin-1 bytes, the same text is one-byte.
  return raw(latin1 === escaped ? escaped : Buffer.from(latin1, 'latin1').toString('latin1'));
}

/**
 * The factory (`"jsxFactory": "h"`). Intrinsic elements and the views' own components return
 * escaped strings; a component from elsewhere (a host's layout written with hono/jsx) returns
 * whatever it returns, for hono to finish rendering.
 */
export function h(tag: string | Component, props: Props | null, ...children: unknown[]): HtmlEscapedString {
  if (typeof tag === 'function') {
    const componentProps = props ?? {};
    if (children.length > 0) componentProps.children = children.length === 1 ? children[0] : children;
    const result = tag(componentProps);
    if (typeof result === 'object' && result !== null && !Array.isArray(result)) return result as HtmlEscapedString;
    const buffer: [string] = [''];
    appendChildren(result, buffer);
    return raw(buffer[0]);
  }
  const { open, close } = tagOf(tag);
  const buffer: [string] = [open];
  if (props !== null) for (const key in props) appendAttribute(buffer, key, props[key]);
  if (close === null) {
    // hono writes `<br>text</br>` for some void elements and drops the children of others.
    if (children.length > 0) throw new TypeError(`executions-admin views: <${tag}> cannot have children`);
    return raw(`${buffer[0]}/>`);
  }
  buffer[0] += '>';
  appendChildren(children, buffer);
  return raw(buffer[0] + close);
}

/** `<>…</>` (`"jsxFragmentFactory": "Fragment"`). */
export function Fragment(props: { children?: unknown }): HtmlEscapedString {
  const buffer: [string] = [''];
  appendChildren(props.children, buffer);
  return raw(buffer[0]);
}

/** The elements' types are hono/jsx's, so views and hosts' layouts type-check alike. */
// TypeScript finds a factory's element types in a namespace of that name: no module syntax does this.
/* eslint-disable @typescript-eslint/no-namespace, @typescript-eslint/no-empty-object-type */
export declare namespace h {
  namespace JSX {
    type Element = HonoJSX.Element;
    type ElementType = HonoJSX.ElementType;
    interface ElementChildrenAttribute extends HonoJSX.ElementChildrenAttribute {}
    interface IntrinsicElements extends HonoJSX.IntrinsicElements {}
    interface IntrinsicAttributes extends HonoJSX.IntrinsicAttributes {}
  }
}
/* eslint-enable @typescript-eslint/no-namespace, @typescript-eslint/no-empty-object-type */
