import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { numberFormat } from '../src/lib/format.js';

const numbers = fc.oneof(fc.integer({ min: -1e6, max: 1e6 }), fc.maxSafeInteger(), fc.integer(), fc.double());

describe('numberFormat', () => {
  it('writes counts in English as Intl does in en-GB, as the page did before it had a locale', () => {
    const intl = new Intl.NumberFormat('en-GB');
    const { count } = numberFormat('en');
    fc.assert(
      fc.property(numbers, (n) => {
        expect(count(n)).toBe(intl.format(n));
      }),
      { numRuns: 2000 },
    );
  });

  it('writes counts in any locale as Intl does, grouping or not', () => {
    for (const locale of ['pt-BR', 'pt-PT', 'en-IN', 'ar-EG', 'de-CH']) {
      const intl = new Intl.NumberFormat(locale);
      const { count } = numberFormat(locale);
      fc.assert(
        fc.property(numbers, (n) => {
          expect(count(n), locale).toBe(intl.format(n));
        }),
        { numRuns: 500 },
      );
    }
  });

  it('groups by thousands at every length', () => {
    const counts = [0, 7, 999, 1000, 12345, 999999, 1000000, 9007199254740991];
    expect(counts.map(numberFormat('en').count)).toEqual([
      '0',
      '7',
      '999',
      '1,000',
      '12,345',
      '999,999',
      '1,000,000',
      '9,007,199,254,740,991',
    ]);
    expect(counts.map(numberFormat('pt-BR').count)).toEqual([
      '0',
      '7',
      '999',
      '1.000',
      '12.345',
      '999.999',
      '1.000.000',
      '9.007.199.254.740.991',
    ]);
  });

  it('writes credits, ratios and tenths in the locale', () => {
    const [en, pt] = [numberFormat('en'), numberFormat('pt-BR')];
    const enGB = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e10, noNaN: true }), (n) => {
        expect(en.credits(n)).toBe(enGB.format(n));
      }),
    );
    expect([en.credits(1234.5), pt.credits(1234.5), en.ratio(4.25), pt.ratio(4.25)]).toEqual([
      '1,234.5',
      '1.234,5',
      '4.3',
      '4,3',
    ]);
    expect([en.tenths(1234.56), pt.tenths(1234.56), pt.tenths(16.384)]).toEqual(['1234.6', '1234,6', '16,4']);
  });
});
