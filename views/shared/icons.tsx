/**
 * Inline SVG icons (no requests, no fonts) and the dash of a figure not there yet. Decorative —
 * the text beside them carries the meaning.
 * Each is markup without data, rendered once when the module loads: a page holds twenty or more,
 * and rendering an element with its attributes costs the same every time.
 */
import type { FC } from 'hono/jsx';
import { raw } from 'hono/html';
import { Fragment, h } from '../../src/lib/jsx.js';

const Svg: FC<{ path: string }> = ({ path }) => (
  <svg
    class="xa-icon"
    viewBox="0 0 24 24"
    width="20"
    height="20"
    aria-hidden="true"
    focusable="false"
    fill="none"
    stroke="currentColor"
    stroke-width="2"
    stroke-linecap="round"
    stroke-linejoin="round"
  >
    <path d={path} />
  </svg>
);

/** A component whose markup was rendered once. */
function icon(path: string): FC {
  const markup = <Svg path={path} />;
  return () => markup;
}

export const EyeIcon = icon('M1 12s4-7 11-7 11 7 11 7-4 7-11 7S1 12 1 12zm11 3a3 3 0 1 0 0-6 3 3 0 0 0 0 6z');

export const AlertIcon = icon('M12 2 1 21h22L12 2zm0 7v5m0 3v.5');

export const FirstIcon = icon('M18 18l-6-6 6-6M7 6v12');

export const PreviousIcon = icon('M15 18l-6-6 6-6');

export const NextIcon = icon('M9 18l6-6-6-6');

export const LastIcon = icon('M6 18l6-6-6-6M17 6v12');

export const SpikeIcon = icon('M3 17l6-6 4 4 8-8m-6 0h6v6');

export const ClockIcon = icon('M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20zm0-15v5l3 3');

/**
 * The dash of a figure not calculated yet, with its words for screen readers. Written as a
 * character reference, which keeps a page of Latin-1 text a one-byte string (docs/performance.md,
 * "Pages within Latin-1"); nothing requires other markup to do the same.
 */
export const NotYet: FC<{ text: string }> = ({ text }) => (
  <>
    <span aria-hidden="true">{raw('&#8212;')}</span>
    <span class="xa-visually-hidden">{text}</span>
  </>
);
