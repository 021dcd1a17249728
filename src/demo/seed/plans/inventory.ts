/** What the Inventory Watcher's schedules do. */
import { hashCode, money } from '../formatting.js';
import type { PlanFn } from '../model.js';
import { PRODUCTS } from '../people.js';
import { HOUR, iso, MINUTE } from '../time.js';
import { call, httpCall, localDate, sheetsAppend, slackPost } from '../tool-calls.js';

export const stockLevelCheck: PlanFn = (c) => {
  const levels = PRODUCTS.map((p) => ({
    sku: p.sku,
    available: c.r.int(0, 140),
    reorder_point: p.price > 50000 ? 2 : 20,
  }));
  const low = levels.filter((l) => l.available < l.reorder_point);
  const calls = [
    call(
      c,
      'shopify.get_inventory_levels',
      { location_ids: [61234567890], limit: 50 },
      {
        inventory_levels: levels.map((l) => ({
          inventory_item_id: 40000000000 + (hashCode(l.sku) % 999999999),
          location_id: 61234567890,
          available: l.available,
          updated_at: iso(c.at - c.r.int(1, 300) * MINUTE),
        })),
      },
      '/admin/api/2024-10/inventory_levels.json?location_ids=61234567890',
    ),
  ];
  if (low.length > 0)
    calls.push(
      slackPost(
        c,
        '#inventory',
        `:warning: Low stock: ${low.map((l) => `${l.sku} (${l.available} left, reorder at ${l.reorder_point})`).join(', ')}`,
      ),
    );
  return {
    calls,
    answer:
      low.length === 0
        ? `All ${levels.length} SKUs are above their reorder points.`
        : `${low.length} SKU${low.length === 1 ? ' is' : 's are'} below the reorder point (${low.map((l) => l.sku).join(', ')}); alerted #inventory.`,
  };
};

export const supplierPriceSync: PlanFn = (c) => {
  const changes = c.r
    .sample(PRODUCTS, c.r.int(0, 4))
    .map((p) => ({ sku: p.sku, old: p.price, next: Math.round(p.price * c.r.float(0.93, 1.09)) }));
  const calls = [
    httpCall(
      c,
      'GET',
      'https://api.partsupply.example/v2/price-list?currency=BRL&since=' + localDate(c, c.at - 12 * HOUR, 'yyyy-MM-dd'),
      null,
      {
        currency: 'BRL',
        generated_at: iso(c.at - c.r.int(5, 300) * MINUTE),
        items: changes.map((ch) => ({
          sku: ch.sku,
          unit_price: ch.next,
          previous_price: ch.old,
          moq: c.r.int(1, 20),
        })),
      },
    ),
  ];
  if (changes.length > 0) {
    calls.push(
      sheetsAppend(
        c,
        '1Zp3kW9dYv7HqB5tLc1XrM8gFj2Ns6',
        'Supplier prices!A:E',
        changes.map((ch) => [
          localDate(c, c.at, 'yyyy-MM-dd'),
          ch.sku,
          ch.old,
          ch.next,
          `${(((ch.next - ch.old) / ch.old) * 100).toFixed(1)}%`,
        ]),
      ),
    );
  }
  return {
    calls,
    answer:
      changes.length === 0
        ? 'PartSupply published no price changes since the last sync.'
        : `Recorded ${changes.length} price change${changes.length === 1 ? '' : 's'} from PartSupply: ${changes.map((ch) => `${ch.sku} ${money(ch.old)} → ${money(ch.next)}`).join('; ')}.`,
  };
};
