import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCount } from '../src/lib/format.js';

describe('formatCount', () => {
  const intl = new Intl.NumberFormat('en-GB');

  it('writes any number as Intl does in en-GB', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -1e6, max: 1e6 }), fc.maxSafeInteger(), fc.integer(), fc.double()), (n) => {
        expect(formatCount(n)).toBe(intl.format(n));
      }),
      { numRuns: 2000 },
    );
  });

  it('groups by thousands at every length', () => {
    expect([0, 7, 999, 1000, 12345, 999999, 1000000, 9007199254740991].map(formatCount)).toEqual([
      '0',
      '7',
      '999',
      '1,000',
      '12,345',
      '999,999',
      '1,000,000',
      '9,007,199,254,740,991',
    ]);
  });
});
