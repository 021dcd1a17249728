/** What people ask agents in other channels, and how those conversations are titled. */
import type { ConversationChannel } from '../../db/schema.js';
import type { PlannedCall, RunContext } from './model.js';
import { COMPANIES } from './people.js';
import { stripeInvoice } from './plans/finance.js';
import type { Rng } from './rng.js';
import { DAY, SECOND } from './time.js';
import { call, httpCall, localDate } from './tool-calls.js';

interface Dialog {
  agent: string;
  topic: string;
  question: string;
  answer: string;
  tool?: (c: RunContext) => PlannedCall;
}

export const DIALOGS: readonly Dialog[] = [
  {
    agent: 'Sales Assistant',
    topic: 'Quote for 3 AR-200 arms',
    question: 'Hi! Can you send me a quote for 3 AR-200 robotic arms delivered to Curitiba?',
    answer:
      'Sure! 3 × AR-200 robotic arm comes to R$ 276,000.00 including installation; delivery to Curitiba takes about 4 weeks. The quote is valid for 15 days — shall I email you the PDF?',
    tool: (c) =>
      httpCall(
        c,
        'POST',
        'https://pricing.acme.example/v1/quotes',
        { sku: 'AR-200', quantity: 3, destination: 'Curitiba, PR' },
        { quote_id: `Q-${c.r.digits(6)}`, total: 276000, currency: 'BRL', lead_time_days: 28 },
      ),
  },
  {
    agent: 'Support Triage',
    topic: 'Gripper error E42',
    question: 'My G3 gripper shows error E42 after the firmware update, what should I do?',
    answer:
      'E42 means the gripper lost calibration after the update. Run Settings → Gripper → Recalibrate with the jaws empty; if it persists, I opened ticket #48712 for a technician.',
    tool: (c) =>
      call(
        c,
        'zendesk.search_tickets',
        { query: 'E42 gripper firmware' },
        { results: [{ id: 47120, subject: 'G3 E42 after firmware 4.2', status: 'solved' }], count: 1 },
        '/api/v2/search.json?query=E42%20gripper%20firmware',
      ),
  },
  {
    agent: 'Calendar Concierge',
    topic: "Reschedule Thursday's demo",
    question: "Can you move Thursday's Hooli demo to Friday afternoon?",
    answer: 'Done — the Hooli demo is now Friday 15:00–16:00 and all 4 attendees got the update.',
    tool: (c) =>
      call(
        c,
        'google_calendar.list_events',
        { calendarId: 'primary', q: 'Hooli demo', singleEvents: true },
        {
          kind: 'calendar#events',
          items: [
            {
              id: c.r.hex(26),
              summary: 'Hooli demo',
              start: { dateTime: `${localDate(c, c.at + 2 * DAY, 'yyyy-MM-dd')}T10:00:00-03:00` },
            },
          ],
        },
      ),
  },
  {
    agent: 'Finance Reporter',
    topic: 'Overdue invoices this month',
    question: 'Which invoices are overdue right now?',
    answer:
      'There are 4 overdue invoices totalling R$ 38,950.00 — the oldest is Wayne Freight (ACME-2024-0913, 23 days). Want me to send reminders?',
    tool: (c) =>
      call(
        c,
        'stripe.list_invoices',
        { status: 'open', due_date: { lt: Math.floor(c.at / SECOND) }, limit: 20 },
        {
          object: 'list',
          data: [
            stripeInvoice(
              c,
              COMPANIES[3] ?? { name: 'Wayne Freight', domain: 'waynefreight.example', city: 'Santos' },
              12400,
              'open',
            ),
          ],
          has_more: false,
          url: '/v1/invoices',
        },
      ),
  },
  {
    agent: 'Inventory Watcher',
    topic: 'LX-9 lidar stock',
    question: 'How many LX-9 lidar sensors do we have in stock?',
    answer: 'We have 37 LX-9 lidar sensors available at the São Paulo warehouse, above the reorder point of 20.',
    tool: (c) =>
      call(
        c,
        'shopify.get_inventory_levels',
        { inventory_item_ids: [40000123456], location_ids: [61234567890] },
        { inventory_levels: [{ inventory_item_id: 40000123456, location_id: 61234567890, available: 37 }] },
      ),
  },
  {
    agent: 'Lead Qualifier',
    topic: 'Is Hooli a good fit?',
    question: 'Is Hooli a good fit for the AMR-1 fleet offer?',
    answer:
      'Probably yes: Hooli has ~2,400 employees and two distribution centres in Minas Gerais, a good fit for a 10-robot AMR-1 pilot.',
    tool: (c) =>
      httpCall(c, 'GET', 'https://enrich.datahub.example/v1/companies?domain=hooli.example', null, {
        domain: 'hooli.example',
        employees: 2400,
        industry: 'E-commerce',
        locations: ['Belo Horizonte', 'Contagem'],
      }),
  },
  {
    agent: 'Onboarding Buddy',
    topic: 'VPN setup guide',
    question: 'Where do I find the VPN setup guide?',
    answer: 'It is in Notion under IT → Remote access → "VPN setup (WireGuard)". Ping #it-help if your key does not work.',
  },
  {
    agent: 'Support Triage',
    topic: 'Order tracking',
    question: 'Olá! Where is my order #10482? It was supposed to arrive yesterday.',
    answer:
      'Your order #10482 left our warehouse on Monday and is with the carrier in Campinas; the new delivery estimate is tomorrow by 18:00.',
  },
  {
    agent: 'Sales Assistant',
    topic: 'Financing options',
    question: 'Do you offer financing or leasing for the AMR-1?',
    answer:
      'Yes — we offer 24- and 36-month leasing through our partner bank, and BNDES Finame financing for qualifying companies. I can connect you with our sales team.',
  },
  {
    agent: 'Social Media Scout',
    topic: 'What are people saying about the AR-200?',
    question: 'Summarise what people are saying about the AR-200 this week.',
    answer: 'Mostly positive: 14 mentions, praise for precision and setup time; 2 complaints about delivery delays.',
    tool: (c) =>
      call(
        c,
        'x.search_posts',
        { query: '"AR-200" acme', max_results: 50 },
        {
          data: [{ id: c.r.digits(19), text: 'AR-200 setup took us 2 hours, impressive' }],
          meta: { result_count: 14 },
        },
      ),
  },
];

export const CHANNEL_WEIGHTS: readonly (readonly [Exclude<ConversationChannel, 'schedule'>, number])[] = [
  ['hub', 35],
  ['whatsapp', 30],
  ['public_channel', 20],
  ['api', 15],
];

export function channelTitle(r: Rng, channel: Exclude<ConversationChannel, 'schedule'>, topic: string): string {
  switch (channel) {
    case 'whatsapp':
      return `WhatsApp chat with +55 11 9${r.digits(4)}-${r.digits(4)}`;
    case 'hub':
      return `Hub: ${topic}`;
    case 'public_channel':
      return `Website chat — ${topic}`;
    case 'api':
      return `API request req_${r.alnum(10)} — ${topic}`;
  }
}
