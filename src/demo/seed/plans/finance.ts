/** What the Finance Reporter's schedules do. */
import { money } from '../formatting.js';
import type { JsonObject, PlanFn, RunContext } from '../model.js';
import { COMPANIES, type Company } from '../people.js';
import { DAY, iso, SECOND } from '../time.js';
import { call, gmailSend, localDate, sheetsAppend, slackPost } from '../tool-calls.js';

export function stripeInvoice(c: RunContext, company: Company, amount: number, status: string): JsonObject {
  return {
    id: `in_1${c.r.alnum(23)}`,
    object: 'invoice',
    customer: `cus_${c.r.alnum(14)}`,
    customer_name: company.name,
    currency: 'brl',
    amount_due: Math.round(amount * 100),
    amount_paid: status === 'paid' ? Math.round(amount * 100) : 0,
    status,
    number: `ACME-${c.r.digits(4)}-${c.r.digits(4)}`,
    created: Math.floor((c.at - c.r.int(1, 40) * DAY) / SECOND),
  };
}

export const monthEndRevenueReport: PlanFn = (c) => {
  const month = localDate(c, c.at - 2 * DAY, 'MMMM yyyy');
  const count = c.r.int(38, 95);
  const revenue = c.r.int(2100, 4800) * 1000 + c.r.int(0, 99) * 10;
  const growth = c.r.float(-6, 14).toFixed(1);
  const sample = Array.from({ length: 3 }, () => stripeInvoice(c, c.r.pick(COMPANIES), c.r.int(4000, 180000), 'paid'));
  return {
    calls: [
      call(
        c,
        'stripe.list_invoices',
        {
          status: 'paid',
          created: { gte: Math.floor((c.at - 31 * DAY) / SECOND), lt: Math.floor(c.at / SECOND) },
          limit: 100,
        },
        { object: 'list', data: sample, has_more: true, url: '/v1/invoices' },
      ),
      sheetsAppend(c, '1hX9fA7cQe2LmZr0Vb3KdT5yWp8sNu4', 'Revenue!A:E', [
        [month, count, revenue, `${growth}%`, 'Finance Reporter'],
      ]),
      gmailSend(
        c,
        ['cfo@acme.example', 'finance@acme.example'],
        `Revenue report — ${month}`,
        `Hi team,\n\n${month}: ${count} paid invoices, ${money(revenue)} revenue (${growth}% vs previous month). The sheet is updated.\n\n— Finance Reporter`,
      ),
    ],
    answer: `${month} closed with ${money(revenue)} across ${count} paid invoices (${growth}% month over month). Appended the row to the Revenue sheet and emailed the CFO.`,
  };
};

export const paidInvoiceReconciliation: PlanFn = (c) => {
  const company = c.r.pick(COMPANIES);
  const amount = c.r.int(18, 1800) * 100;
  const invoice = stripeInvoice(c, company, amount, 'paid');
  const calls = [
    call(c, 'stripe.get_invoice', { invoice: String(invoice.id) }, invoice, `/v1/invoices/${String(invoice.id)}`),
    sheetsAppend(c, '1qM4tR8zLw6BcN2xPe0VjK7aYs5Gd3', 'Ledger!A:F', [
      [localDate(c, c.at, 'yyyy-MM-dd'), String(invoice.number), company.name, amount, 'BRL', 'reconciled'],
    ]),
  ];
  const big = amount >= 100000;
  if (big)
    calls.push(
      slackPost(
        c,
        '#finance',
        `:white_check_mark: ${company.name} paid ${String(invoice.number)} — ${money(amount)}. Reconciled in the ledger.`,
      ),
    );
  return {
    event: `invoice ${String(invoice.id)} (${company.name}, ${money(amount)})`,
    calls,
    answer: `Reconciled ${String(invoice.number)} from ${company.name} (${money(amount)}) in the ledger${big ? ' and let #finance know' : ''}.`,
  };
};

const FINANCE_DEADLINES = [
  'DCTFWeb filing',
  'Payroll transfer',
  'ICMS payment',
  'Supplier payment run',
  'Quarterly board pack',
  'Bank covenant report',
  'Audit PBC list',
] as const;

export const financeCalendarSync: PlanFn = (c) => {
  const deadlines = c.r
    .sample(FINANCE_DEADLINES, c.r.int(1, 4))
    .map((title) => ({ title, due: localDate(c, c.at + c.r.int(1, 20) * DAY, 'yyyy-MM-dd') }));
  const missing = deadlines.filter(() => c.r.chance(0.35));
  const calls = [
    call(
      c,
      'notion.query_database',
      {
        database_id: '7c1e9f20-3b4d-4a6e-8f0a-2d5c9b1e4f37',
        filter: { property: 'Due', date: { next_month: {} } },
        sorts: [{ property: 'Due', direction: 'ascending' }],
      },
      {
        object: 'list',
        results: deadlines.map((d) => ({
          object: 'page',
          id: c.r.uuid(),
          properties: { Name: d.title, Due: d.due },
        })),
        has_more: false,
      },
      '/v1/databases/7c1e9f20-3b4d-4a6e-8f0a-2d5c9b1e4f37/query',
    ),
    call(
      c,
      'google_calendar.list_events',
      {
        calendarId: 'primary',
        timeMin: iso(c.at),
        timeMax: iso(c.at + 30 * DAY),
        q: 'deadline',
        singleEvents: true,
      },
      {
        kind: 'calendar#events',
        items: deadlines
          .filter((d) => !missing.includes(d))
          .map((d) => ({ id: c.r.hex(26), summary: `Deadline: ${d.title}`, start: { date: d.due } })),
      },
    ),
  ];
  for (const d of missing.slice(0, 2)) {
    calls.push(
      call(
        c,
        'google_calendar.create_event',
        {
          calendarId: 'primary',
          summary: `Deadline: ${d.title}`,
          start: { date: d.due },
          end: { date: d.due },
          attendees: [{ email: 'finance@acme.example' }],
          reminders: { useDefault: false, overrides: [{ method: 'email', minutes: 2880 }] },
        },
        {
          kind: 'calendar#event',
          id: c.r.hex(26),
          status: 'confirmed',
          htmlLink: `https://www.google.com/calendar/event?eid=${c.r.alnum(40)}`,
          summary: `Deadline: ${d.title}`,
        },
      ),
    );
  }
  return {
    calls,
    answer:
      missing.length === 0
        ? `All ${deadlines.length} upcoming finance deadlines are already on the calendar.`
        : `Added ${Math.min(missing.length, 2)} missing deadline${missing.length === 1 ? '' : 's'} to the finance calendar (${missing
            .slice(0, 2)
            .map((d) => `${d.title} on ${d.due}`)
            .join(', ')}).`,
  };
};
