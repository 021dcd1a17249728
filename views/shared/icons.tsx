/**
 * Inline SVG icons (no requests, no fonts) and the dash of a figure not there yet. Decorative —
 * the text beside them carries the meaning.
 * Each is markup without data, rendered once when the module loads: a page holds twenty or more,
 * and rendering an element with its attributes costs the same every time. A page that shows
 * icons or the activity chart renders <Drawings /> once.
 */
import type { FC } from 'hono/jsx';
import { raw } from 'hono/html';
import { Fragment, h } from '../../src/lib/jsx.js';
import type { DurationView } from '../../src/list/view-model.js';

const ICONS = {
  eye: 'M1 12s4-7 11-7 11 7 11 7-4 7-11 7S1 12 1 12zm11 3a3 3 0 1 0 0-6 3 3 0 0 0 0 6z',
  alert: 'M12 2 1 21h22L12 2zm0 7v5m0 3v.5',
  first: 'M18 18l-6-6 6-6M7 6v12',
  previous: 'M15 18l-6-6 6-6',
  next: 'M9 18l6-6-6-6',
  last: 'M6 18l6-6-6-6M17 6v12',
  spike: 'M3 17l6-6 4 4 8-8m-6 0h6v6',
  clock: 'M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20zm0-15v5l3 3',
};
const iconId = (name: keyof typeof ICONS) => `xa-icon-${name}`;

/**
 * Where forced colours leave one colour for every status, the stylesheet fills chart bars and
 * swatches with these instead (Completed solid): hatched, lined, crossed.
 */
const PATTERNS = { green: 'M0 4L4 0', yellow: 'M0 2H4', red: 'M0 0L4 4M0 4L4 0' };

/**
 * The list page's drawings, defined once outside the swapped region: each icon is a <use> of its
 * path here, and the chart's forced-colours patterns are here too, so a swap or a poll, which
 * repeats icons in every row, carries none of their paths. Not display:none, where a pattern
 * would not paint; sized to nothing instead (.xa-defs).
 */
const defs = (
  <svg class="xa-defs" aria-hidden="true" width="0" height="0">
    <defs>
      {Object.entries(ICONS).map(([name, d]) => (
        <symbol id={iconId(name as keyof typeof ICONS)} viewBox="0 0 24 24">
          <path d={d} />
        </symbol>
      ))}
      {Object.entries(PATTERNS).map(([colour, d]) => (
        <pattern id={`xa-pattern-${colour}`} width="4" height="4" patternUnits="userSpaceOnUse">
          <path d={d} />
        </pattern>
      ))}
    </defs>
  </svg>
);
export const Drawings: FC = () => defs;

/** Size, fill and stroke come from the stylesheet (.xa-icon), which the <use> inherits. */
function icon(name: keyof typeof ICONS): FC {
  const markup = (
    <svg class="xa-icon" aria-hidden="true">
      <use href={`#${iconId(name)}`} />
    </svg>
  );
  return () => markup;
}

export const EyeIcon = icon('eye');
export const AlertIcon = icon('alert');
export const FirstIcon = icon('first');
export const PreviousIcon = icon('previous');
export const NextIcon = icon('next');
export const LastIcon = icon('last');
export const SpikeIcon = icon('spike');
export const ClockIcon = icon('clock');

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

/** A duration, or the dash of one missing with what it stands for ("Not finished"). */
export const DurationText: FC<{ duration: DurationView }> = ({ duration }) =>
  duration.missing ? <NotYet text={duration.text} /> : <>{duration.text}</>;
