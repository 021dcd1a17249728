/**
 * Demo data: Acme Robotics with a few thousand scheduled runs over the last 90 days (plus runs
 * from other channels that the page must never list) and a second organization, Globex, whose
 * rows must never leak into Acme's page. Everything is derived from one seeded PRNG and `now`,
 * so a given seed always writes the same rows. Scheduled runs go through the scheduler's write API
 * (src/write/recorder.ts), which gives them their ids; agents, schedules and other channels' runs get
 * theirs from the seed.
 */
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { eq } from 'drizzle-orm';
import type { ExecutionsDatabase } from '../db/database.js';
import {
  deleteAgent,
  markActive,
  recordFinishedRuns,
  recordToolCall,
  startExecution,
  upsertAgent,
  upsertOrganization,
  upsertSchedule,
  type FinishedRunInput,
  type HistoricalToolCall,
  type JsonValue,
  type StartExecutionInput,
} from '../write/recorder.js';
import { conversations, executions, organizations, steps } from '../db/schema.js';
import type { ConversationChannel, ExecutionStatus, ScheduleKind } from '../db/schema.js';

export const DEMO_ORGANIZATION_ID = 'acme-robotics';
export const OTHER_ORGANIZATION_ID = 'globex';

export interface SeedOptions {
  now?: Date;
  /** Scheduled runs written for the demo organization; other rows scale with it. */
  runs?: number;
  seed?: number;
}

export const DEFAULT_RUNS = 2400;
export const DEFAULT_SEED = 20240917;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const HISTORY_DAYS = 90;
const BATCH_SIZE = 500;

type Json = JsonValue;
type JsonObject = { [key: string]: Json };

type ConversationRow = typeof conversations.$inferInsert;
type ExecutionRow = typeof executions.$inferInsert;
type StepRow = typeof steps.$inferInsert;

// ---------------------------------------------------------------------------------------------
// Randomness
// ---------------------------------------------------------------------------------------------

class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** mulberry32: tiny, fast and good enough for demo data. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  float(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('Cannot pick from an empty list');
    return item;
  }

  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    let target = this.next() * total;
    for (const [value, weight] of entries) {
      target -= weight;
      if (target < 0) return value;
    }
    const last = entries[entries.length - 1];
    if (last === undefined) throw new Error('Cannot pick from an empty list');
    return last[0];
  }

  /** `count` distinct items, in random order. */
  sample<T>(items: readonly T[], count: number): T[] {
    const copy = items.slice();
    const n = Math.min(count, copy.length);
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(this.next() * (copy.length - i));
      const a = copy[i] as T;
      copy[i] = copy[j] as T;
      copy[j] = a;
    }
    return copy.slice(0, n);
  }

  chars(alphabet: string, length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }

  digits(length: number): string {
    return this.chars('0123456789', length);
  }

  hex(length: number): string {
    return this.chars('0123456789abcdef', length);
  }

  alnum(length: number): string {
    return this.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', length);
  }

  /** A v4-shaped UUID (version and variant bits set), from this generator. */
  uuid(): string {
    const h = this.hex(30);
    const variant = '89ab'[Math.floor(this.next() * 4)] ?? '8';
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(12, 15)}-${variant}${h.slice(15, 18)}-${h.slice(18, 30)}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Formatting helpers
// ---------------------------------------------------------------------------------------------

function groupThousands(value: number): string {
  return String(Math.trunc(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function money(amount: number): string {
  const [whole = '0', cents = '00'] = amount.toFixed(2).split('.');
  return `R$ ${groupThousands(Number(whole))}.${cents}`;
}

function roundCredits(value: number): number {
  return Math.max(0.05, Math.round(value * 100) / 100);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function slug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function hashCode(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

// ---------------------------------------------------------------------------------------------
// Organizations, agents and schedules
// ---------------------------------------------------------------------------------------------

interface AgentDef {
  name: string;
  /** Typical credits per run, min and max. */
  credits: readonly [number, number];
  /** The connected account the agent's tools run as. */
  account: string;
  tokenLimit: number;
  deletedDaysAgo?: number;
}

interface ScheduleDef {
  name: string;
  agent: string;
  kind: ScheduleKind;
  expression: string;
  prompt: string;
  /** Probability that a finished run failed. */
  failureRate: number;
  /** Relative share of the runs; defaults to the schedule's number of fire times. */
  weight?: number;
  /** The schedule was created this many days ago (default: before the whole history). */
  sinceDays?: number;
  plan: PlanFn;
}

/** A stretch of time when a connected tool's credential was expired: every run using it failed. */
interface Incident {
  agent: string;
  service: string;
  fromDaysAgo: number;
  toDaysAgo: number;
}

interface OrgDef {
  id: string;
  name: string;
  timeZone: string;
  domain: string;
  slackBotId: string;
  agents: readonly AgentDef[];
  schedules: readonly ScheduleDef[];
  incidents: readonly Incident[];
}

interface Person {
  name: string;
  email: string;
}

interface Company {
  name: string;
  domain: string;
  city: string;
}

const FIRST_NAMES = [
  'Ana',
  'Bruno',
  'Carla',
  'Diego',
  'Fernanda',
  'Gabriel',
  'Helena',
  'Igor',
  'Juliana',
  'Lucas',
  'Mariana',
  'Rafael',
  'Sofia',
  'Thiago',
  'Priya',
  'Daniel',
  'Emma',
  'Kenji',
  'Laura',
  'Mateus',
] as const;
const LAST_NAMES = [
  'Silva',
  'Souza',
  'Costa',
  'Oliveira',
  'Pereira',
  'Almeida',
  'Ribeiro',
  'Carvalho',
  'Nakamura',
  'Fischer',
  'Moreira',
  'Rocha',
  'Barbosa',
  'Lima',
  'Teixeira',
  'Mendes',
] as const;
const COMPANIES: readonly Company[] = [
  { name: 'Initech', domain: 'initech.example', city: 'São Paulo' },
  { name: 'Umbrella Logistics', domain: 'umbrella-logistics.example', city: 'Campinas' },
  { name: 'Stark Components', domain: 'starkcomponents.example', city: 'Curitiba' },
  { name: 'Wayne Freight', domain: 'waynefreight.example', city: 'Santos' },
  { name: 'Hooli', domain: 'hooli.example', city: 'Belo Horizonte' },
  { name: 'Soylent Foods', domain: 'soylentfoods.example', city: 'Porto Alegre' },
  { name: 'Vandelay Industries', domain: 'vandelay.example', city: 'Joinville' },
  { name: 'Massive Dynamic', domain: 'massivedynamic.example', city: 'Recife' },
  { name: 'Tyrell Systems', domain: 'tyrell.example', city: 'Manaus' },
  { name: 'Cyberdyne Parts', domain: 'cyberdyne-parts.example', city: 'São José dos Campos' },
  { name: 'Wonka Supplies', domain: 'wonkasupplies.example', city: 'Florianópolis' },
  { name: 'Pied Piper', domain: 'piedpiper.example', city: 'Rio de Janeiro' },
];
const PRODUCTS = [
  { sku: 'AR-200', name: 'AR-200 robotic arm', price: 92000 },
  { sku: 'SM-45', name: 'SM-45 servo motor', price: 1850 },
  { sku: 'LX-9', name: 'LX-9 lidar sensor', price: 7400 },
  { sku: 'G3-KIT', name: 'G3 gripper kit', price: 5600 },
  { sku: 'BP-24V', name: 'BP-24V battery pack', price: 2300 },
  { sku: 'CB-7', name: 'CB-7 controller board', price: 3900 },
  { sku: 'AMR-1', name: 'AMR-1 mobile robot', price: 148000 },
  { sku: 'VS-2', name: 'VS-2 vision module', price: 11200 },
] as const;
const SALES_REPS = ['Marina Costa', 'Rafael Almeida', 'Priya Nair', 'Lucas Ribeiro'] as const;

function person(r: Rng, domain: string): Person {
  const first = r.pick(FIRST_NAMES);
  const last = r.pick(LAST_NAMES);
  return { name: `${first} ${last}`, email: `${slug(first)}.${slug(last)}@${domain}` };
}

// ---------------------------------------------------------------------------------------------
// Tools
// ---------------------------------------------------------------------------------------------

type Auth = 'oauth' | 'api_key' | 'none';

interface ToolDef {
  service: string;
  host: string;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT';
  path: string;
  auth: Auth;
  latency: readonly [number, number];
}

const TOOLS = {
  'google_calendar.list_events': {
    service: 'google_calendar',
    host: 'www.googleapis.com',
    method: 'GET',
    path: '/calendar/v3/calendars/primary/events',
    auth: 'oauth',
    latency: [180, 900],
  },
  'google_calendar.get_event': {
    service: 'google_calendar',
    host: 'www.googleapis.com',
    method: 'GET',
    path: '/calendar/v3/calendars/primary/events/{eventId}',
    auth: 'oauth',
    latency: [120, 600],
  },
  'google_calendar.create_event': {
    service: 'google_calendar',
    host: 'www.googleapis.com',
    method: 'POST',
    path: '/calendar/v3/calendars/primary/events',
    auth: 'oauth',
    latency: [250, 1100],
  },
  'gmail.search': {
    service: 'gmail',
    host: 'gmail.googleapis.com',
    method: 'GET',
    path: '/gmail/v1/users/me/messages',
    auth: 'oauth',
    latency: [200, 1200],
  },
  'gmail.send': {
    service: 'gmail',
    host: 'gmail.googleapis.com',
    method: 'POST',
    path: '/gmail/v1/users/me/messages/send',
    auth: 'oauth',
    latency: [300, 1400],
  },
  'hubspot.search_deals': {
    service: 'hubspot',
    host: 'api.hubapi.com',
    method: 'POST',
    path: '/crm/v3/objects/deals/search',
    auth: 'oauth',
    latency: [250, 2200],
  },
  'hubspot.search_contacts': {
    service: 'hubspot',
    host: 'api.hubapi.com',
    method: 'POST',
    path: '/crm/v3/objects/contacts/search',
    auth: 'oauth',
    latency: [250, 2000],
  },
  'hubspot.get_contact': {
    service: 'hubspot',
    host: 'api.hubapi.com',
    method: 'GET',
    path: '/crm/v3/objects/contacts/{contactId}',
    auth: 'oauth',
    latency: [150, 800],
  },
  'hubspot.update_contact': {
    service: 'hubspot',
    host: 'api.hubapi.com',
    method: 'PATCH',
    path: '/crm/v3/objects/contacts/{contactId}',
    auth: 'oauth',
    latency: [200, 900],
  },
  'hubspot.create_task': {
    service: 'hubspot',
    host: 'api.hubapi.com',
    method: 'POST',
    path: '/crm/v3/objects/tasks',
    auth: 'oauth',
    latency: [200, 900],
  },
  'slack.post_message': {
    service: 'slack',
    host: 'slack.com',
    method: 'POST',
    path: '/api/chat.postMessage',
    auth: 'oauth',
    latency: [120, 700],
  },
  'notion.create_page': {
    service: 'notion',
    host: 'api.notion.com',
    method: 'POST',
    path: '/v1/pages',
    auth: 'oauth',
    latency: [400, 1800],
  },
  'notion.query_database': {
    service: 'notion',
    host: 'api.notion.com',
    method: 'POST',
    path: '/v1/databases/{databaseId}/query',
    auth: 'oauth',
    latency: [300, 1500],
  },
  'stripe.list_invoices': {
    service: 'stripe',
    host: 'api.stripe.com',
    method: 'GET',
    path: '/v1/invoices',
    auth: 'api_key',
    latency: [250, 1600],
  },
  'stripe.get_invoice': {
    service: 'stripe',
    host: 'api.stripe.com',
    method: 'GET',
    path: '/v1/invoices/{invoiceId}',
    auth: 'api_key',
    latency: [150, 700],
  },
  'zendesk.search_tickets': {
    service: 'zendesk',
    host: 'acme-robotics.zendesk.com',
    method: 'GET',
    path: '/api/v2/search.json',
    auth: 'oauth',
    latency: [300, 1500],
  },
  'zendesk.update_ticket': {
    service: 'zendesk',
    host: 'acme-robotics.zendesk.com',
    method: 'PUT',
    path: '/api/v2/tickets/{ticketId}.json',
    auth: 'oauth',
    latency: [250, 1100],
  },
  'shopify.get_inventory_levels': {
    service: 'shopify',
    host: 'acme-robotics.myshopify.com',
    method: 'GET',
    path: '/admin/api/2024-10/inventory_levels.json',
    auth: 'api_key',
    latency: [200, 1300],
  },
  'google_sheets.append_rows': {
    service: 'google_sheets',
    host: 'sheets.googleapis.com',
    method: 'POST',
    path: '/v4/spreadsheets/{spreadsheetId}/values/{range}:append',
    auth: 'oauth',
    latency: [300, 1500],
  },
  'x.search_posts': {
    service: 'x',
    host: 'api.x.com',
    method: 'GET',
    path: '/2/tweets/search/recent',
    auth: 'oauth',
    latency: [400, 2500],
  },
  'http.request': { service: 'http', host: '', method: 'GET', path: '', auth: 'none', latency: [150, 3000] },
} as const satisfies Record<string, ToolDef>;

type ToolName = keyof typeof TOOLS;

interface PlannedCall {
  tool: ToolName;
  input: JsonObject;
  output: Json;
  ok: boolean;
  durationMs: number;
  method: string;
  /** The request's path, or the whole URL for generic HTTP calls. */
  target: string;
}

interface Plan {
  /** What fired the run, for triggers: appended to the scheduled prompt. */
  event?: string;
  calls: PlannedCall[];
  answer: string;
}

interface RunContext {
  r: Rng;
  org: OrgDef;
  agent: AgentDef;
  /** When the run started (ms). */
  at: number;
}

type PlanFn = (c: RunContext) => Plan;

function call(c: RunContext, tool: ToolName, input: JsonObject, output: Json, target?: string): PlannedCall {
  const def: ToolDef = TOOLS[tool];
  return {
    tool,
    input,
    output,
    ok: true,
    durationMs: c.r.int(def.latency[0], def.latency[1]),
    method: def.method,
    target: target ?? def.path,
  };
}

function httpCall(
  c: RunContext,
  method: 'GET' | 'POST',
  url: string,
  body: JsonObject | null,
  output: Json,
): PlannedCall {
  const input: JsonObject = { method, url, headers: { Accept: 'application/json' }, timeout_ms: 15000 };
  if (body) input.body = body;
  const planned = call(c, 'http.request', input, output, url);
  planned.method = method;
  return planned;
}

function localDate(c: RunContext, ms: number, pattern = 'dd/MM/yyyy'): string {
  return format(new TZDate(ms, c.org.timeZone), pattern);
}

function slackChannelId(channel: string): string {
  return `C0${hashCode(channel).toString(36).toUpperCase().padStart(7, 'X')}`;
}

function slackPost(c: RunContext, channel: string, text: string): PlannedCall {
  return call(
    c,
    'slack.post_message',
    { channel, text, unfurl_links: false },
    {
      ok: true,
      channel: slackChannelId(channel),
      ts: `${Math.floor(c.at / SECOND) + c.r.int(5, 90)}.${c.r.digits(6)}`,
      message: { type: 'message', subtype: 'bot_message', text, bot_id: c.org.slackBotId },
    },
  );
}

function gmailSend(c: RunContext, to: readonly string[], subject: string, body: string): PlannedCall {
  const id = c.r.hex(16);
  return call(
    c,
    'gmail.send',
    { from: c.agent.account, to: [...to], subject, body },
    { id, threadId: id, labelIds: ['SENT'] },
  );
}

function notionCreatePage(
  c: RunContext,
  database: string,
  title: string,
  properties: JsonObject,
): PlannedCall {
  const id = c.r.uuid();
  return call(
    c,
    'notion.create_page',
    {
      parent: { database_id: database },
      properties: { Name: { title: [{ text: { content: title } }] }, ...properties },
    },
    {
      object: 'page',
      id,
      created_time: iso(c.at + c.r.int(5, 60) * SECOND),
      url: `https://www.notion.so/${slug(c.org.name)}/${slug(title)}-${id.replace(/-/g, '')}`,
      archived: false,
    },
  );
}

function sheetsAppend(c: RunContext, spreadsheetId: string, range: string, values: Json[][]): PlannedCall {
  const width = values[0]?.length ?? 0;
  const sheet = range.split('!')[0] ?? range;
  const firstRow = c.r.int(2, 4000);
  return call(
    c,
    'google_sheets.append_rows',
    { spreadsheetId, range, valueInputOption: 'USER_ENTERED', values },
    {
      spreadsheetId,
      tableRange: `${sheet}!A1:${String.fromCharCode(64 + Math.max(width, 1))}${firstRow - 1}`,
      updates: {
        updatedRange: `${sheet}!A${firstRow}:${String.fromCharCode(64 + Math.max(width, 1))}${firstRow + values.length - 1}`,
        updatedRows: values.length,
        updatedColumns: width,
        updatedCells: values.length * width,
      },
    },
    `/v4/spreadsheets/${spreadsheetId}/values/${encodeURIComponent(range)}:append`,
  );
}

interface Deal {
  id: string;
  company: Company;
  product: string;
  amount: number;
  owner: string;
  name: string;
}

function randomDeal(c: RunContext): Deal {
  const company = c.r.pick(COMPANIES);
  const product = c.r.pick(PRODUCTS);
  const quantity = product.price > 50000 ? c.r.int(1, 4) : c.r.int(5, 60);
  return {
    id: c.r.digits(11),
    company,
    product: product.name,
    amount: Math.round((product.price * quantity * c.r.float(0.85, 1)) / 100) * 100,
    owner: c.r.pick(SALES_REPS),
    name: `${company.name} — ${quantity} × ${product.sku}`,
  };
}

function hubspotDeal(d: Deal, stage: string, closeDate: string): Json {
  return {
    id: d.id,
    properties: {
      dealname: d.name,
      amount: String(d.amount),
      dealstage: stage,
      closedate: closeDate,
      hubspot_owner_id: String(hashCode(d.owner) % 90000000),
    },
    archived: false,
  };
}

// ---------------------------------------------------------------------------------------------
// What each schedule's runs do
// ---------------------------------------------------------------------------------------------

const dailySalesDigest: PlanFn = (c) => {
  const day = c.at - DAY;
  const label = localDate(c, day);
  const deals = Array.from({ length: c.r.int(0, 8) }, () => randomDeal(c)).sort(
    (a, b) => b.amount - a.amount,
  );
  const total = sum(deals.map((d) => d.amount));
  const date = localDate(c, day, 'yyyy-MM-dd');
  const search = call(
    c,
    'hubspot.search_deals',
    {
      filterGroups: [
        {
          filters: [
            { propertyName: 'dealstage', operator: 'EQ', value: 'closedwon' },
            { propertyName: 'closedate', operator: 'BETWEEN', value: date, highValue: date },
          ],
        },
      ],
      properties: ['dealname', 'amount', 'closedate', 'hubspot_owner_id'],
      sorts: [{ propertyName: 'amount', direction: 'DESCENDING' }],
      limit: 100,
    },
    { total: deals.length, results: deals.map((d) => hubspotDeal(d, 'closedwon', date)) },
  );
  const top = deals[0];
  if (!top) {
    return {
      calls: [
        search,
        slackPost(
          c,
          '#sales',
          `:sunrise: No deals closed on ${label}. Pipeline review is on Monday as usual.`,
        ),
      ],
      answer: `No deals closed on ${label}; posted a short note to #sales.`,
    };
  }
  const text = `:moneybag: *${deals.length} deal${deals.length === 1 ? '' : 's'} closed on ${label}* — ${money(total)} total.\nTop: ${top.name} (${money(top.amount)}, ${top.owner}).`;
  return {
    calls: [search, slackPost(c, '#sales', text)],
    answer: `Posted the daily sales digest to #sales: ${deals.length} deal${deals.length === 1 ? '' : 's'} closed on ${label} for ${money(total)}. The biggest was ${top.name} at ${money(top.amount)}, closed by ${top.owner}.`,
  };
};

const weeklyPipelineReview: PlanFn = (c) => {
  const deals = Array.from({ length: c.r.int(3, 6) }, () => randomDeal(c));
  const openCount = c.r.int(22, 48);
  const pipeline = c.r.int(1800, 5200) * 1000;
  const atRisk = c.r.int(1, 6);
  const week = localDate(c, c.at, 'I');
  const calls = [
    call(
      c,
      'hubspot.search_deals',
      {
        filterGroups: [
          {
            filters: [{ propertyName: 'dealstage', operator: 'NOT_IN', values: ['closedwon', 'closedlost'] }],
          },
        ],
        properties: ['dealname', 'amount', 'dealstage', 'notes_last_updated', 'hubspot_owner_id'],
        limit: 100,
      },
      {
        total: openCount,
        results: deals.map((d) =>
          hubspotDeal(
            d,
            c.r.pick(['qualifiedtobuy', 'presentationscheduled', 'decisionmakerboughtin', 'contractsent']),
            localDate(c, c.at + c.r.int(5, 60) * DAY, 'yyyy-MM-dd'),
          ),
        ),
        paging: { next: { after: '100' } },
      },
    ),
    notionCreatePage(c, 'b6f1c2d4-0a7e-4f1b-9d3c-5e2a8c7f9b10', `Pipeline review — week ${week}`, {
      'Open deals': { number: openCount },
      'Pipeline (BRL)': { number: pipeline },
      'At risk': { number: atRisk },
    }),
  ];
  if (c.r.chance(0.7))
    calls.push(
      slackPost(
        c,
        '#sales-leadership',
        `Weekly pipeline review (week ${week}) is ready in Notion: ${openCount} open deals, ${money(pipeline)}; ${atRisk} at risk.`,
      ),
    );
  return {
    calls,
    answer: `Pipeline review for week ${week} is in Notion: ${openCount} open deals worth ${money(pipeline)}. ${atRisk} deal${atRisk === 1 ? ' is' : 's are'} at risk (no activity in 14+ days) — biggest is ${deals[0]?.name ?? 'Initech'}.`,
  };
};

const TICKET_SUBJECTS = [
  'Robotic arm stops mid-cycle after firmware 4.2',
  'Invoice shows wrong CNPJ',
  'Lidar LX-9 reports phantom obstacles in low light',
  'Request for on-site training',
  'Gripper G3 error E42',
  'Replacement battery pack shipping status',
  'Cannot log into the fleet dashboard',
  'AMR-1 docking station not charging',
  'How to export cycle-time reports?',
  'Controller CB-7 overheating warning',
] as const;

function randomTicket(c: RunContext): JsonObject {
  const requester = person(c.r, c.r.pick(COMPANIES).domain);
  return {
    id: c.r.int(48000, 49999),
    subject: c.r.pick(TICKET_SUBJECTS),
    status: 'new',
    priority: null,
    requester: { name: requester.name, email: requester.email },
    created_at: iso(c.at - c.r.int(2, 58) * MINUTE),
  };
}

const hourlyInboxTriage: PlanFn = (c) => {
  const tickets = Array.from(
    {
      length: c.r.weighted([
        [0, 3],
        [1, 4],
        [2, 3],
        [3, 2],
        [5, 1],
      ] as const),
    },
    () => randomTicket(c),
  );
  const calls = [
    call(
      c,
      'zendesk.search_tickets',
      { query: 'type:ticket status:new created>1hour', sort_by: 'created_at', sort_order: 'asc' },
      { results: tickets, count: tickets.length, next_page: null },
      '/api/v2/search.json?query=type%3Aticket%20status%3Anew%20created%3E1hour',
    ),
  ];
  if (tickets.length === 0) return { calls, answer: 'No new tickets in the last hour — nothing to triage.' };
  const priorities = tickets.map(() =>
    c.r.weighted([
      ['low', 2],
      ['normal', 5],
      ['high', 2],
      ['urgent', 1],
    ] as const),
  );
  tickets.slice(0, 3).forEach((ticket, i) => {
    const priority = priorities[i] ?? 'normal';
    const group = c.r.pick(['Tier 1', 'Tier 2', 'Billing', 'Field service']);
    calls.push(
      call(
        c,
        'zendesk.update_ticket',
        {
          ticket: {
            id: ticket.id ?? 0,
            priority,
            tags: ['triaged-by-ai', slug(group)],
            group: group,
            status: 'open',
          },
        },
        {
          ticket: {
            id: ticket.id ?? 0,
            status: 'open',
            priority,
            group_id: 360000000000 + (hashCode(group) % 999999),
            updated_at: iso(c.at + 20 * SECOND),
          },
        },
        `/api/v2/tickets/${String(ticket.id)}.json`,
      ),
    );
  });
  const urgent = tickets.find((_, i) => priorities[i] === 'urgent');
  return {
    calls,
    answer: `Triaged ${tickets.length} new ticket${tickets.length === 1 ? '' : 's'}: ${priorities.filter((p) => p === 'urgent' || p === 'high').length} high/urgent, ${priorities.filter((p) => p === 'normal' || p === 'low').length} normal/low.${urgent ? ` Flagged #${String(urgent.id)} "${String(urgent.subject)}" as urgent.` : ''}`,
  };
};

const urgentTicketEscalation: PlanFn = (c) => {
  const company = c.r.pick(COMPANIES);
  const requester = person(c.r, company.domain);
  const ticketId = c.r.int(48000, 49999);
  const subject = c.r.pick(TICKET_SUBJECTS);
  const plan = c.r.weighted([
    ['Enterprise', 3],
    ['Growth', 2],
    ['Starter', 1],
  ] as const);
  const contactId = c.r.digits(11);
  const calls = [
    call(
      c,
      'hubspot.search_contacts',
      {
        filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: requester.email }] }],
        properties: ['firstname', 'lastname', 'company', 'support_plan'],
      },
      {
        total: 1,
        results: [
          {
            id: contactId,
            properties: {
              firstname: requester.name.split(' ')[0] ?? '',
              lastname: requester.name.split(' ')[1] ?? '',
              company: company.name,
              support_plan: plan,
            },
          },
        ],
      },
    ),
  ];
  const escalate = plan === 'Enterprise' || c.r.chance(0.3);
  const priority = escalate ? 'urgent' : 'normal';
  calls.push(
    call(
      c,
      'zendesk.update_ticket',
      { ticket: { id: ticketId, priority, tags: escalate ? ['escalated', slug(plan)] : [slug(plan)] } },
      { ticket: { id: ticketId, status: 'open', priority, updated_at: iso(c.at + 15 * SECOND) } },
      `/api/v2/tickets/${ticketId}.json`,
    ),
  );
  if (escalate) {
    calls.push(
      slackPost(
        c,
        '#support-escalations',
        `:rotating_light: #${ticketId} from ${company.name} (${plan}): "${subject}" — requester ${requester.name}. On-call, please take a look.`,
      ),
    );
  }
  return {
    event: `ticket #${ticketId} from ${requester.name} <${requester.email}>: "${subject}"`,
    calls,
    answer: escalate
      ? `Escalated #${ticketId} (${company.name}, ${plan} plan) as urgent and alerted #support-escalations.`
      : `#${ticketId} from ${company.name} is on the ${plan} plan and not an outage; set priority to normal, no escalation needed.`,
  };
};

function stripeInvoice(c: RunContext, company: Company, amount: number, status: string): JsonObject {
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

const monthEndRevenueReport: PlanFn = (c) => {
  const month = localDate(c, c.at - 2 * DAY, 'MMMM yyyy');
  const count = c.r.int(38, 95);
  const revenue = c.r.int(2100, 4800) * 1000 + c.r.int(0, 99) * 10;
  const growth = c.r.float(-6, 14).toFixed(1);
  const sample = Array.from({ length: 3 }, () =>
    stripeInvoice(c, c.r.pick(COMPANIES), c.r.int(4000, 180000), 'paid'),
  );
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

const paidInvoiceReconciliation: PlanFn = (c) => {
  const company = c.r.pick(COMPANIES);
  const amount = c.r.int(18, 1800) * 100;
  const invoice = stripeInvoice(c, company, amount, 'paid');
  const calls = [
    call(
      c,
      'stripe.get_invoice',
      { invoice: String(invoice.id) },
      invoice,
      `/v1/invoices/${String(invoice.id)}`,
    ),
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

const financeCalendarSync: PlanFn = (c) => {
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

const MEETINGS = [
  'Weekly leadership sync',
  'Initech quarterly review',
  '1:1 with Marina',
  'Board prep',
  'Product roadmap review',
  'Hiring panel — robotics engineer',
  'Supplier call: Cyberdyne Parts',
  'Lunch with Hooli',
] as const;

const morningAgendaBriefing: PlanFn = (c) => {
  const count = c.r.int(2, 7);
  const meetings = c.r
    .sample(MEETINGS, count)
    .map((summary, i) => ({ summary, hour: 9 + i + c.r.int(0, 1), minute: c.r.pick([0, 0, 30]) }));
  const first = meetings[0];
  const items: Json[] = meetings.map((m) => ({
    id: c.r.hex(26),
    summary: m.summary,
    start: {
      dateTime: `${localDate(c, c.at, 'yyyy-MM-dd')}T${String(m.hour).padStart(2, '0')}:${String(m.minute).padStart(2, '0')}:00-03:00`,
    },
    attendees: c.r.int(2, 9),
  }));
  const agenda = meetings
    .map((m) => `${String(m.hour).padStart(2, '0')}:${String(m.minute).padStart(2, '0')} ${m.summary}`)
    .join('\n');
  return {
    calls: [
      call(
        c,
        'google_calendar.list_events',
        {
          calendarId: 'primary',
          timeMin: iso(c.at),
          timeMax: iso(c.at + 14 * HOUR),
          singleEvents: true,
          orderBy: 'startTime',
        },
        { kind: 'calendar#events', summary: 'carla.souza@acme.example', items },
      ),
      gmailSend(
        c,
        ['carla.souza@acme.example'],
        `Your agenda for ${localDate(c, c.at)}`,
        `Good morning, Carla!\n\n${agenda}\n\nHave a great day.`,
      ),
    ],
    answer: `Sent today's agenda to Carla: ${count} meetings, first at ${first ? `${String(first.hour).padStart(2, '0')}:${String(first.minute).padStart(2, '0')} (${first.summary})` : '09:00'}.`,
  };
};

const meetingFollowUp: PlanFn = (c) => {
  const summary = c.r.pick(MEETINGS);
  const eventId = c.r.hex(26);
  const attendees = Array.from({ length: c.r.int(2, 5) }, () =>
    person(c.r, c.r.chance(0.6) ? 'acme.example' : c.r.pick(COMPANIES).domain),
  );
  const actions = c.r.int(1, 5);
  return {
    event: `"${summary}" ended (event ${eventId})`,
    calls: [
      call(
        c,
        'google_calendar.get_event',
        { calendarId: 'primary', eventId },
        {
          kind: 'calendar#event',
          id: eventId,
          summary,
          attendees: attendees.map((a) => ({ email: a.email, responseStatus: 'accepted' })),
          conferenceData: {
            entryPoints: [
              {
                entryPointType: 'video',
                uri: `https://meet.google.com/${c.r.chars('abcdefghijklmnopqrstuvwxyz', 3)}-${c.r.chars('abcdefghijklmnopqrstuvwxyz', 4)}-${c.r.chars('abcdefghijklmnopqrstuvwxyz', 3)}`,
              },
            ],
          },
        },
        `/calendar/v3/calendars/primary/events/${eventId}`,
      ),
      notionCreatePage(c, '3e8d5a1c-6f2b-4c9e-a0d7-1b4f8e2c6a95', `${summary} — ${localDate(c, c.at)}`, {
        'Action items': { number: actions },
      }),
      gmailSend(
        c,
        attendees.map((a) => a.email),
        `Notes: ${summary}`,
        `Hi all,\n\nThanks for joining. Notes and ${actions} action item${actions === 1 ? '' : 's'} are in Notion.\n\nBest,\nCalendar Concierge`,
      ),
    ],
    answer: `Wrote up "${summary}" in Notion with ${actions} action item${actions === 1 ? '' : 's'} and emailed the notes to ${attendees.length} attendees.`,
  };
};

const stockLevelCheck: PlanFn = (c) => {
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

const supplierPriceSync: PlanFn = (c) => {
  const changes = c.r
    .sample(PRODUCTS, c.r.int(0, 4))
    .map((p) => ({ sku: p.sku, old: p.price, next: Math.round(p.price * c.r.float(0.93, 1.09)) }));
  const calls = [
    httpCall(
      c,
      'GET',
      'https://api.partsupply.example/v2/price-list?currency=BRL&since=' +
        localDate(c, c.at - 12 * HOUR, 'yyyy-MM-dd'),
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

const newLeadFollowUp: PlanFn = (c) => {
  const company = c.r.pick(COMPANIES);
  const lead = person(c.r, company.domain);
  const contactId = c.r.digits(11);
  const employees = c.r.pick([12, 45, 180, 650, 2400, 9800]);
  const score = Math.min(100, Math.round(c.r.float(20, 60) + Math.log10(employees) * 10));
  const qualified = score >= 60;
  const calls = [
    call(
      c,
      'hubspot.get_contact',
      { contactId, properties: ['email', 'firstname', 'lastname', 'company', 'jobtitle', 'hs_lead_status'] },
      {
        id: contactId,
        properties: {
          email: lead.email,
          firstname: lead.name.split(' ')[0] ?? '',
          lastname: lead.name.split(' ')[1] ?? '',
          company: company.name,
          jobtitle: c.r.pick([
            'Operations Manager',
            'Plant Director',
            'Head of Automation',
            'Procurement Analyst',
            'CTO',
          ]),
          hs_lead_status: 'NEW',
        },
      },
      `/crm/v3/objects/contacts/${contactId}`,
    ),
    httpCall(c, 'GET', `https://enrich.datahub.example/v1/companies?domain=${company.domain}`, null, {
      domain: company.domain,
      name: company.name,
      employees,
      industry: c.r.pick(['Manufacturing', 'Logistics', 'Food & Beverage', 'Automotive', 'E-commerce']),
      location: { city: company.city, country: 'BR' },
      tech: ['SAP', 'Salesforce'],
    }),
    call(
      c,
      'hubspot.update_contact',
      { contactId, properties: { hs_lead_status: qualified ? 'OPEN' : 'UNQUALIFIED', lead_score: score } },
      {
        id: contactId,
        properties: { hs_lead_status: qualified ? 'OPEN' : 'UNQUALIFIED', lead_score: String(score) },
        updatedAt: iso(c.at + 20 * SECOND),
      },
      `/crm/v3/objects/contacts/${contactId}`,
    ),
  ];
  if (qualified)
    calls.push(
      gmailSend(
        c,
        [lead.email],
        `Automation at ${company.name}`,
        `Hi ${lead.name.split(' ')[0] ?? ''},\n\nThanks for reaching out to Acme Robotics! Would a 30-minute call next week work to see where our AMR-1 fleet could help ${company.name}?\n\nBest,\nMarina Costa`,
      ),
    );
  return {
    event: `lead ${lead.name} <${lead.email}> (contact ${contactId})`,
    calls,
    answer: qualified
      ? `${lead.name} (${company.name}, ~${groupThousands(employees)} employees) scored ${score}/100 — marked as open and sent a personalised follow-up.`
      : `${lead.name} (${company.name}, ~${groupThousands(employees)} employees) scored ${score}/100 — below the threshold of 60, marked as unqualified. No email sent.`,
  };
};

const staleLeadSweep: PlanFn = (c) => {
  const stale = Array.from({ length: c.r.int(0, 9) }, () => {
    const company = c.r.pick(COMPANIES);
    return { id: c.r.digits(11), company, contact: person(c.r, company.domain), days: c.r.int(15, 60) };
  });
  const calls = [
    call(
      c,
      'hubspot.search_contacts',
      {
        filterGroups: [
          {
            filters: [
              { propertyName: 'hs_lead_status', operator: 'EQ', value: 'OPEN' },
              {
                propertyName: 'notes_last_contacted',
                operator: 'LT',
                value: localDate(c, c.at - 14 * DAY, 'yyyy-MM-dd'),
              },
            ],
          },
        ],
        properties: ['email', 'company', 'hubspot_owner_id'],
        limit: 50,
      },
      {
        total: stale.length,
        results: stale.map((s) => ({
          id: s.id,
          properties: { email: s.contact.email, company: s.company.name },
        })),
      },
    ),
  ];
  if (stale.length > 0) {
    calls.push(
      call(
        c,
        'hubspot.create_task',
        {
          properties: {
            hs_task_subject: `Follow up on ${stale.length} stale lead${stale.length === 1 ? '' : 's'}`,
            hs_task_priority: 'MEDIUM',
            hs_timestamp: iso(c.at + DAY),
            hs_task_body: stale
              .map((s) => `${s.contact.name} (${s.company.name}) — ${s.days} days`)
              .join('\n'),
          },
        },
        {
          id: c.r.digits(11),
          properties: { hs_task_status: 'NOT_STARTED' },
          createdAt: iso(c.at + 10 * SECOND),
        },
      ),
    );
  }
  return {
    calls,
    answer:
      stale.length === 0
        ? 'No open leads without contact for 14+ days.'
        : `Found ${stale.length} open lead${stale.length === 1 ? '' : 's'} without contact for 14+ days and created a follow-up task for the owners.`,
  };
};

const brandMentionMonitor: PlanFn = (c) => {
  const posts = Array.from({ length: c.r.int(0, 6) }, () => ({
    id: c.r.digits(19),
    text: c.r.pick([
      'Just saw the @acmerobotics AR-200 at the fair, impressive',
      'Anyone else having docking issues with the AMR-1? @acmerobotics',
      '@acmerobotics support solved our gripper issue in 20 min 👏',
      'Comparing Acme Robotics vs Cyberdyne for our new line',
    ]),
    sentiment: c.r.weighted([
      ['positive', 5],
      ['neutral', 3],
      ['negative', 2],
    ] as const),
  }));
  const negative = posts.filter((p) => p.sentiment === 'negative');
  const calls = [
    call(
      c,
      'x.search_posts',
      {
        query: '(@acmerobotics OR "Acme Robotics") -is:retweet lang:en OR lang:pt',
        max_results: 50,
        start_time: iso(c.at - 8 * HOUR),
      },
      {
        data: posts.map((p) => ({ id: p.id, text: p.text })),
        meta: { result_count: posts.length, newest_id: posts[0]?.id ?? null },
      },
    ),
  ];
  if (negative.length > 0)
    calls.push(
      slackPost(
        c,
        '#marketing',
        `${negative.length} negative mention${negative.length === 1 ? '' : 's'} in the last 8 hours: ${negative.map((p) => `https://x.com/i/web/status/${p.id}`).join(' ')}`,
      ),
    );
  return {
    calls,
    answer: `${posts.length} mention${posts.length === 1 ? '' : 's'} in the last 8 hours (${negative.length} negative).${negative.length > 0 ? ' Shared the negative ones in #marketing.' : ''}`,
  };
};

const competitorLaunchWatch: PlanFn = (c) => {
  const found = c.r.chance(0.25);
  const competitor = c.r.pick(['Cyberdyne', 'Tyrell Systems', 'Massive Dynamic']);
  const calls = [
    httpCall(
      c,
      'GET',
      `https://news.search.example/v1/search?q=${encodeURIComponent(`${competitor} robot launch`)}&from=${localDate(c, c.at - DAY, 'yyyy-MM-dd')}`,
      null,
      {
        total: found ? c.r.int(1, 4) : 0,
        articles: found
          ? [
              {
                title: `${competitor} unveils new collaborative arm`,
                url: `https://news.example/${slug(competitor)}-${c.r.digits(6)}`,
                published_at: iso(c.at - c.r.int(1, 20) * HOUR),
              },
            ]
          : [],
      },
    ),
  ];
  if (found)
    calls.push(
      notionCreatePage(
        c,
        '9a2f6c3e-1d8b-4e7a-b5c0-3f9e2d1a8c64',
        `${competitor} launch — ${localDate(c, c.at)}`,
        { Competitor: { select: { name: competitor } } },
      ),
    );
  return {
    calls,
    answer: found
      ? `${competitor} announced a new collaborative arm; summarised it in the Competitors database.`
      : 'No competitor launches in the last 24 hours.',
  };
};

const newHireWelcome: PlanFn = (c) => {
  const hire = person(c.r, 'acme.example');
  const role = c.r.pick([
    'Robotics Engineer',
    'Account Executive',
    'Support Specialist',
    'Data Analyst',
    'Field Technician',
  ]);
  const start = localDate(c, c.at + c.r.int(3, 14) * DAY, 'yyyy-MM-dd');
  return {
    event: `employee ${hire.name} (${role}) starts on ${start}`,
    calls: [
      call(
        c,
        'google_calendar.create_event',
        {
          calendarId: 'primary',
          summary: `Onboarding: ${hire.name}`,
          start: { dateTime: `${start}T09:30:00-03:00` },
          end: { dateTime: `${start}T11:00:00-03:00` },
          attendees: [{ email: hire.email }, { email: 'people@acme.example' }],
        },
        {
          kind: 'calendar#event',
          id: c.r.hex(26),
          status: 'confirmed',
          htmlLink: `https://www.google.com/calendar/event?eid=${c.r.alnum(40)}`,
        },
      ),
      gmailSend(
        c,
        [hire.email],
        'Welcome to Acme Robotics!',
        `Hi ${hire.name.split(' ')[0] ?? ''},\n\nWelcome aboard! Your first day is ${start}; onboarding starts at 09:30.\n\nSee you soon,\nOnboarding Buddy`,
      ),
      slackPost(c, '#general', `:wave: Please welcome ${hire.name}, our new ${role}, starting ${start}!`),
    ],
    answer: `Scheduled ${hire.name}'s onboarding session for ${start} 09:30, sent the welcome email and announced the new ${role} in #general.`,
  };
};

const onboardingChecklistNudge: PlanFn = (c) => {
  const pending = Array.from({ length: c.r.int(0, 4) }, () => ({
    who: person(c.r, 'acme.example'),
    item: c.r.pick([
      'Sign the NDA',
      'Set up 2FA',
      'Complete safety training',
      'Book laptop pickup',
      'Read the engineering handbook',
    ]),
  }));
  const calls = [
    call(
      c,
      'notion.query_database',
      {
        database_id: '5d7b2e9a-4c1f-4a8d-9e3b-6f0c2a7d1e58',
        filter: { property: 'Done', checkbox: { equals: false } },
      },
      {
        object: 'list',
        results: pending.map((p) => ({
          object: 'page',
          id: c.r.uuid(),
          properties: { Owner: p.who.email, Item: p.item },
        })),
        has_more: false,
      },
      '/v1/databases/5d7b2e9a-4c1f-4a8d-9e3b-6f0c2a7d1e58/query',
    ),
  ];
  for (const p of pending.slice(0, 2))
    calls.push(
      slackPost(
        c,
        `@${p.who.email.split('@')[0] ?? ''}`,
        `Hi ${p.who.name.split(' ')[0] ?? ''}! Friendly reminder: "${p.item}" is still open on your onboarding checklist.`,
      ),
    );
  return {
    calls,
    answer:
      pending.length === 0
        ? 'Every onboarding checklist is up to date.'
        : `${pending.length} onboarding item${pending.length === 1 ? ' is' : 's are'} still open; nudged ${Math.min(2, pending.length)} new hire${pending.length === 1 ? '' : 's'} on Slack.`,
  };
};

// Globex: a handful of simple plans, enough for rows that must never show up for Acme.
const globexSupplierScorecard: PlanFn = (c) => {
  const suppliers = c.r.int(12, 30);
  const late = c.r.int(0, 5);
  return {
    calls: [
      httpCall(c, 'GET', 'https://erp.globex.example/api/suppliers/scorecard?period=last_week', null, {
        suppliers,
        on_time_rate: Number(c.r.float(0.82, 0.98).toFixed(3)),
        late_deliveries: late,
      }),
      gmailSend(
        c,
        ['procurement@globex.example'],
        'Weekly supplier scorecard',
        `${suppliers} suppliers reviewed, ${late} late deliveries.`,
      ),
    ],
    answer: `Scorecard sent: ${suppliers} suppliers, ${late} late deliveries last week.`,
  };
};

const globexShiftHandover: PlanFn = (c) => {
  const units = c.r.int(1800, 4200);
  const downtime = c.r.int(0, 95);
  return {
    calls: [
      httpCall(c, 'GET', 'https://mes.globex.example/api/shifts/current/summary', null, {
        units_produced: units,
        downtime_minutes: downtime,
        scrap_rate: Number(c.r.float(0.004, 0.03).toFixed(4)),
      }),
      slackPost(c, '#plant-ops', `Shift handover: ${units} units, ${downtime} min downtime.`),
    ],
    answer: `Posted the shift handover: ${units} units produced, ${downtime} minutes of downtime.`,
  };
};

const globexSafetyIntake: PlanFn = (c) => {
  const incident = `INC${c.r.digits(7)}`;
  const severity = c.r.weighted([
    ['low', 5],
    ['medium', 3],
    ['high', 1],
  ] as const);
  return {
    event: `incident ${incident} (${severity})`,
    calls: [
      httpCall(c, 'GET', `https://globex.service-now.example/api/now/table/incident/${incident}`, null, {
        result: {
          number: incident,
          severity,
          short_description: c.r.pick([
            'Forklift near-miss in aisle 4',
            'Spill at packaging line',
            'Missing guard on press 7',
          ]),
        },
      }),
      slackPost(c, '#safety', `New ${severity} safety incident ${incident} logged.`),
    ],
    answer: `Logged ${incident} (${severity}) and notified #safety.`,
  };
};

const globexLeaveRequests: PlanFn = (c) => {
  const requests = c.r.int(0, 6);
  return {
    calls: [
      call(
        c,
        'gmail.search',
        { q: 'label:leave-requests is:unread', maxResults: 20 },
        {
          messages: Array.from({ length: requests }, () => ({ id: c.r.hex(16), threadId: c.r.hex(16) })),
          resultSizeEstimate: requests,
        },
      ),
    ],
    answer:
      requests === 0
        ? 'No pending leave requests.'
        : `${requests} leave request${requests === 1 ? '' : 's'} waiting; summarised them for HR.`,
  };
};

const ACME: OrgDef = {
  id: DEMO_ORGANIZATION_ID,
  name: 'Acme Robotics',
  timeZone: 'America/Sao_Paulo',
  domain: 'acme.example',
  slackBotId: 'B05ACMEB0T',
  agents: [
    { name: 'Sales Assistant', credits: [1.5, 6], account: 'sales@acme.example', tokenLimit: 128000 },
    { name: 'Support Triage', credits: [0.5, 3], account: 'support@acme.example', tokenLimit: 128000 },
    { name: 'Finance Reporter', credits: [3, 12], account: 'finance@acme.example', tokenLimit: 200000 },
    {
      name: 'Calendar Concierge',
      credits: [0.5, 2],
      account: 'carla.souza@acme.example',
      tokenLimit: 128000,
    },
    { name: 'Inventory Watcher', credits: [0.8, 3.5], account: 'ops@acme.example', tokenLimit: 128000 },
    { name: 'Lead Qualifier', credits: [1, 5], account: 'growth@acme.example', tokenLimit: 128000 },
    {
      name: 'Social Media Scout',
      credits: [2, 8],
      account: 'marketing@acme.example',
      tokenLimit: 128000,
      deletedDaysAgo: 21,
    },
    { name: 'Onboarding Buddy', credits: [1, 4], account: 'people@acme.example', tokenLimit: 128000 },
  ],
  schedules: [
    {
      name: 'Daily sales digest',
      agent: 'Sales Assistant',
      kind: 'cron',
      expression: '0 9 * * 1-5',
      prompt: "Summarise yesterday's closed deals and post the digest to #sales.",
      failureRate: 0.095,
      plan: dailySalesDigest,
    },
    {
      name: 'Weekly pipeline review',
      agent: 'Sales Assistant',
      kind: 'cron',
      expression: '0 8 * * 1',
      prompt: 'Review every open deal, write the weekly pipeline page in Notion and flag deals at risk.',
      failureRate: 0.135,
      plan: weeklyPipelineReview,
    },
    {
      name: 'Hourly inbox triage',
      agent: 'Support Triage',
      kind: 'cron',
      expression: '0 8-18 * * 1-5',
      sinceDays: 45,
      prompt: 'Triage the support tickets created in the last hour: set priority, tags and group.',
      failureRate: 0.095,
      plan: hourlyInboxTriage,
    },
    {
      name: 'Urgent ticket escalation',
      agent: 'Support Triage',
      kind: 'trigger',
      expression: 'zendesk.ticket.created',
      weight: 160,
      prompt:
        "Check the requester's support plan and escalate outages from Enterprise customers to #support-escalations.",
      failureRate: 0.105,
      plan: urgentTicketEscalation,
    },
    {
      name: 'Month-end revenue report',
      agent: 'Finance Reporter',
      kind: 'cron',
      expression: '0 7 1 * *',
      prompt: "Compile last month's paid invoices into the Revenue sheet and email the summary to the CFO.",
      failureRate: 0.115,
      plan: monthEndRevenueReport,
    },
    {
      name: 'Paid invoice reconciliation',
      agent: 'Finance Reporter',
      kind: 'trigger',
      expression: 'stripe.invoice.paid',
      weight: 190,
      prompt: 'Record the paid invoice in the ledger sheet; tell #finance about payments over R$ 100,000.',
      failureRate: 0.095,
      plan: paidInvoiceReconciliation,
    },
    {
      name: 'Finance deadlines calendar sync',
      agent: 'Finance Reporter',
      kind: 'cron',
      expression: '0 7 * * 1-5',
      prompt:
        'Make sure every deadline in the Finance deadlines database for the next 30 days is on the finance calendar.',
      failureRate: 0.115,
      plan: financeCalendarSync,
    },
    {
      name: 'Morning agenda briefing',
      agent: 'Calendar Concierge',
      kind: 'cron',
      expression: '30 7 * * 1-5',
      prompt: "Email Carla today's agenda with the first meeting and any gaps.",
      failureRate: 0.075,
      plan: morningAgendaBriefing,
    },
    {
      name: 'Meeting follow-up notes',
      agent: 'Calendar Concierge',
      kind: 'trigger',
      expression: 'google_calendar.event.ended',
      weight: 170,
      prompt: 'Write the meeting notes and action items in Notion and email them to the attendees.',
      failureRate: 0.105,
      plan: meetingFollowUp,
    },
    {
      name: 'Stock level check',
      agent: 'Inventory Watcher',
      kind: 'interval',
      expression: 'PT6H',
      prompt: 'Check inventory levels in Shopify and alert #inventory about SKUs below their reorder point.',
      failureRate: 0.095,
      plan: stockLevelCheck,
    },
    {
      name: 'Supplier price sync',
      agent: 'Inventory Watcher',
      kind: 'interval',
      expression: 'PT12H',
      prompt: "Fetch PartSupply's price list and record any price changes in the Supplier prices sheet.",
      failureRate: 0.135,
      plan: supplierPriceSync,
    },
    {
      name: 'New lead follow-up',
      agent: 'Lead Qualifier',
      kind: 'trigger',
      expression: 'crm.lead.created',
      weight: 180,
      prompt:
        'Enrich the lead, score it, update HubSpot and send a personalised follow-up to qualified leads.',
      failureRate: 0.115,
      plan: newLeadFollowUp,
    },
    {
      name: 'Stale lead sweep',
      agent: 'Lead Qualifier',
      kind: 'cron',
      expression: '0 14 * * 2,4',
      prompt: 'Find open leads nobody contacted in 14 days and create a follow-up task for their owners.',
      failureRate: 0.095,
      plan: staleLeadSweep,
    },
    {
      name: 'Brand mention monitor',
      agent: 'Social Media Scout',
      kind: 'interval',
      expression: 'PT8H',
      prompt: 'Search X for mentions of Acme Robotics and share negative ones in #marketing.',
      failureRate: 0.125,
      plan: brandMentionMonitor,
    },
    {
      name: 'Competitor launch watch',
      agent: 'Social Media Scout',
      kind: 'cron',
      expression: '0 10 * * *',
      prompt:
        'Look for product launches from Cyberdyne, Tyrell Systems and Massive Dynamic and summarise them in Notion.',
      failureRate: 0.105,
      plan: competitorLaunchWatch,
    },
    {
      name: 'New hire welcome',
      agent: 'Onboarding Buddy',
      kind: 'trigger',
      expression: 'hr.employee.created',
      weight: 30,
      prompt:
        'Schedule the onboarding session, send the welcome email and announce the new hire in #general.',
      failureRate: 0.085,
      plan: newHireWelcome,
    },
    {
      name: 'Onboarding checklist nudge',
      agent: 'Onboarding Buddy',
      kind: 'cron',
      expression: '0 11 * * 1-5',
      prompt: 'Remind new hires about open onboarding checklist items on Slack.',
      failureRate: 0.075,
      plan: onboardingChecklistNudge,
    },
  ],
  incidents: [
    { agent: 'Finance Reporter', service: 'google_calendar', fromDaysAgo: 34, toDaysAgo: 30 },
    { agent: 'Lead Qualifier', service: 'hubspot', fromDaysAgo: 12, toDaysAgo: 11 },
  ],
};

const GLOBEX: OrgDef = {
  id: OTHER_ORGANIZATION_ID,
  name: 'Globex Corporation',
  timeZone: 'Asia/Kolkata',
  domain: 'globex.example',
  slackBotId: 'B07GL0BEXB',
  agents: [
    {
      name: 'Procurement Assistant',
      credits: [1, 4],
      account: 'procurement@globex.example',
      tokenLimit: 128000,
    },
    {
      name: 'Plant Safety Monitor',
      credits: [0.5, 2.5],
      account: 'safety@globex.example',
      tokenLimit: 128000,
    },
    { name: 'HR Helpdesk', credits: [0.5, 3], account: 'hr@globex.example', tokenLimit: 128000 },
  ],
  schedules: [
    {
      name: 'Globex weekly supplier scorecard',
      agent: 'Procurement Assistant',
      kind: 'cron',
      expression: '0 10 * * 1',
      prompt: 'Build the weekly supplier scorecard from the ERP and email it to procurement.',
      failureRate: 0.08,
      plan: globexSupplierScorecard,
    },
    {
      name: 'Globex shift handover summary',
      agent: 'Plant Safety Monitor',
      kind: 'cron',
      expression: '0 6,14,22 * * *',
      prompt: 'Summarise the shift from the MES and post the handover to #plant-ops.',
      failureRate: 0.08,
      plan: globexShiftHandover,
    },
    {
      name: 'Globex safety incident intake',
      agent: 'Plant Safety Monitor',
      kind: 'trigger',
      expression: 'servicenow.incident.created',
      weight: 60,
      prompt: 'Read the new incident and notify #safety.',
      failureRate: 0.1,
      plan: globexSafetyIntake,
    },
    {
      name: 'Globex leave request review',
      agent: 'HR Helpdesk',
      kind: 'interval',
      expression: 'PT4H',
      sinceDays: 30,
      prompt: 'Summarise unread leave requests for HR.',
      failureRate: 0.08,
      plan: globexLeaveRequests,
    },
  ],
  incidents: [],
};

// ---------------------------------------------------------------------------------------------
// When schedules fire
// ---------------------------------------------------------------------------------------------

interface TimeWindow {
  from: number;
  to: number;
}

function parseCronField(field: string, min: number, max: number): Set<number> | null {
  if (field === '*') return null;
  const values = new Set<number>();
  for (const part of field.split(',')) {
    const [range = '*', stepText] = part.split('/');
    const step = stepText ? Number(stepText) : 1;
    let lo = min;
    let hi = max;
    if (range !== '*') {
      const [a = '', b] = range.split('-');
      lo = Number(a);
      hi = b !== undefined ? Number(b) : stepText ? max : lo;
    }
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  return values;
}

/** Fire times of a five-field cron expression in a time zone within a window (ms). */
function cronFireTimes(expression: string, timeZone: string, window: TimeWindow): number[] {
  const [minuteF = '0', hourF = '0', domF = '*', monthF = '*', dowF = '*'] = expression.split(' ');
  const minutes = [...(parseCronField(minuteF, 0, 59) ?? [0])];
  const hours = [...(parseCronField(hourF, 0, 23) ?? Array.from({ length: 24 }, (_, h) => h))];
  const doms = parseCronField(domF, 1, 31);
  const months = parseCronField(monthF, 1, 12);
  const dows = parseCronField(dowF, 0, 6);
  const times: number[] = [];
  const first = new TZDate(window.from - DAY, timeZone);
  // Walking local noons keeps the day sequence right across DST changes.
  let day = new TZDate(first.getFullYear(), first.getMonth(), first.getDate(), 12, timeZone);
  while (day.getTime() < window.to + DAY) {
    const matches =
      (!doms || doms.has(day.getDate())) &&
      (!months || months.has(day.getMonth() + 1)) &&
      (!dows || dows.has(day.getDay()));
    if (matches) {
      for (const h of hours) {
        for (const m of minutes) {
          const t = new TZDate(day.getFullYear(), day.getMonth(), day.getDate(), h, m, timeZone).getTime();
          if (t >= window.from && t < window.to) times.push(t);
        }
      }
    }
    day = new TZDate(day.getFullYear(), day.getMonth(), day.getDate() + 1, 12, timeZone);
  }
  return times.sort((a, b) => a - b);
}

function parseDuration(expression: string): number {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(expression);
  if (!match) throw new Error(`Unsupported ISO 8601 duration: ${expression}`);
  const [, d, h, m] = match;
  const ms = Number(d ?? 0) * DAY + Number(h ?? 0) * HOUR + Number(m ?? 0) * MINUTE;
  if (ms <= 0) throw new Error(`Empty ISO 8601 duration: ${expression}`);
  return ms;
}

function intervalFireTimes(expression: string, window: TimeWindow): number[] {
  const step = parseDuration(expression);
  const times: number[] = [];
  for (let t = Math.ceil(window.from / step) * step; t < window.to; t += step) times.push(t);
  return times;
}

/** A moment an event might happen: mostly business hours, fewer on weekends. */
function eventTime(r: Rng, timeZone: string, window: TimeWindow): number {
  for (let attempt = 0; attempt < 30; attempt++) {
    const t = Math.floor(r.float(window.from, window.to));
    const local = new TZDate(t, timeZone);
    const hour = local.getHours();
    const weekend = local.getDay() === 0 || local.getDay() === 6;
    const weight = (hour >= 8 && hour < 19 ? 1 : hour >= 6 && hour < 22 ? 0.3 : 0.06) * (weekend ? 0.35 : 1);
    if (r.chance(weight)) return t;
  }
  return Math.floor(r.float(window.from, window.to));
}

/** Splits `total` by weight, never giving a slot more than its cap. */
function allocate(total: number, weights: readonly number[], caps: readonly number[]): number[] {
  const counts = weights.map(() => 0);
  let remaining = total;
  let open = weights.map((_, i) => i).filter((i) => (weights[i] ?? 0) > 0 && (caps[i] ?? 0) > 0);
  while (remaining > 0 && open.length > 0) {
    const weightSum = sum(open.map((i) => weights[i] ?? 0));
    const budget = remaining;
    let given = 0;
    for (const i of open) {
      const want = Math.floor((budget * (weights[i] ?? 0)) / weightSum);
      const add = Math.min(want, (caps[i] ?? 0) - (counts[i] ?? 0));
      counts[i] = (counts[i] ?? 0) + add;
      given += add;
    }
    remaining -= given;
    if (given === 0) {
      for (const i of [...open].sort((a, b) => (weights[b] ?? 0) - (weights[a] ?? 0))) {
        if (remaining === 0) break;
        if ((counts[i] ?? 0) < (caps[i] ?? 0)) {
          counts[i] = (counts[i] ?? 0) + 1;
          remaining -= 1;
        }
      }
    }
    open = open.filter((i) => (counts[i] ?? 0) < (caps[i] ?? 0));
  }
  return counts;
}

// ---------------------------------------------------------------------------------------------
// Building rows
// ---------------------------------------------------------------------------------------------

/** Runs from other channels are not the scheduler's to record: they are written as rows. */
interface ChannelRows {
  conversations: ConversationRow[];
  executions: ExecutionRow[];
  steps: StepRow[];
}

/** A scheduled run as the scheduler reports it: finished ones whole, in-flight ones call by call. */
type ScheduledRun =
  | { organizationId: string; state: 'finished'; run: FinishedRunInput }
  | {
      organizationId: string;
      state: 'pending' | 'active';
      start: StartExecutionInput;
      toolCalls: HistoricalToolCall[];
    };

interface AgentSeed {
  id: string;
  def: AgentDef;
  deletedAt: number | null;
}

interface ScheduleSeed {
  id: string;
  def: ScheduleDef;
  agent: AgentSeed;
  window: TimeWindow;
}

interface OrgSeed {
  def: OrgDef;
  agents: AgentSeed[];
  schedules: ScheduleSeed[];
}

interface Generator {
  r: Rng;
  ids: Rng;
  now: number;
  orgs: OrgSeed[];
  scheduledRuns: ScheduledRun[];
  channelRows: ChannelRows;
  /** Failed scheduled runs so far. */
  failures: number;
}

type Cause = 'credential' | 'timeout' | 'token_limit' | 'format';

const FORMAT_ERRORS = [
  "Model response did not match the expected JSON schema: missing required property 'summary'",
  "Model response did not match the expected JSON schema: missing required property 'recipients'",
  'Model response did not match the expected JSON schema: property \'priority\' must be one of "low", "normal", "high", "urgent" (got "critical")',
  'Model response did not match the expected JSON schema: property \'amount\' must be number (got string "R$ 12.400,00")',
  'Model response is not valid JSON: Unexpected token \'H\', "Here is th"... is not valid JSON',
  "Model response did not match the expected JSON schema: property 'items' must be array (got object)",
] as const;

function credentialFailure(c: RunContext, service: string): { output: Json; message: string } {
  const account = c.agent.account;
  const workspace = c.org.id;
  switch (service) {
    case 'google_calendar':
    case 'gmail':
    case 'google_sheets':
      return {
        output: {
          status: 401,
          error: 'invalid_grant',
          error_description: 'Token has been expired or revoked.',
        },
        message: `${service}: 401 Unauthorized — OAuth token expired for connected account ${account}; reconnect in Tools`,
      };
    case 'hubspot':
      return {
        output: {
          status: 'error',
          message: `The OAuth token used to make this call expired ${c.r.int(1, 20)} hour(s) ago.`,
          correlationId: c.r.uuid(),
          category: 'EXPIRED_AUTHENTICATION',
        },
        message: `hubspot: 401 EXPIRED_AUTHENTICATION — OAuth token expired for connected account ${account}; reconnect in Tools`,
      };
    case 'slack':
      return {
        output: { ok: false, error: 'token_expired' },
        message: `slack: token_expired — the connection to workspace ${workspace}.slack.com has expired; reconnect in Tools`,
      };
    case 'notion':
      return {
        output: {
          object: 'error',
          status: 401,
          code: 'unauthorized',
          message: 'API token is invalid.',
          request_id: c.r.uuid(),
        },
        message: `notion: 401 unauthorized — the integration token for workspace "${c.org.name}" was revoked; reconnect in Tools`,
      };
    case 'stripe': {
      const suffix = c.r.alnum(4);
      return {
        output: {
          error: {
            type: 'invalid_request_error',
            code: 'api_key_expired',
            message: `Expired API Key provided: rk_live_********${suffix}`,
            doc_url: 'https://stripe.com/docs/error-codes/api-key-expired',
          },
        },
        message: `stripe: 401 api_key_expired — restricted key rk_live_…${suffix} has expired; reconnect in Tools`,
      };
    }
    case 'zendesk':
      return {
        output: {
          error: 'invalid_token',
          error_description:
            'The access token provided is expired, revoked, malformed or invalid for other reasons.',
        },
        message: `zendesk: 401 invalid_token — OAuth token expired for connected account ${account}; reconnect in Tools`,
      };
    case 'shopify':
      return {
        output: { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' },
        message: `shopify: 401 Unauthorized — the access token for ${workspace}.myshopify.com was revoked; reconnect in Tools`,
      };
    default:
      return {
        output: { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' },
        message: `${service}: 401 Unauthorized — OAuth token expired for connected account ${account}; reconnect in Tools`,
      };
  }
}

function timeoutFailure(call: PlannedCall): { output: Json; message: string; durationMs: number } {
  const def: ToolDef = TOOLS[call.tool];
  const limit = def.service === 'http' ? 15000 : 30000;
  const url = def.service === 'http' ? call.target : `https://${def.host}${call.target}`;
  const shown = call.target.split('?')[0] ?? call.target;
  return {
    output: {
      error: 'ETIMEDOUT',
      message: `Request timed out after ${limit} ms`,
      request: { method: call.method, url },
    },
    message: `${def.service}: request timed out after ${limit} ms (${call.method} ${shown})`,
    durationMs: limit + (hashCode(url) % 40),
  };
}

interface Outcome {
  result: FinishedRunInput['outcome'];
  calls: PlannedCall[];
  /** Multiplier on the run's typical credits. */
  creditFactor: number;
}

function serviceOf(call: PlannedCall): string {
  return (TOOLS[call.tool] as ToolDef).service;
}

/** A failed run that stopped after `calls`, with its message as both the error step and the run's error. */
function failed(calls: PlannedCall[], message: string, creditFactor: number): Outcome {
  return { result: { status: 'failed', errorMessage: message }, calls, creditFactor };
}

function fail(c: RunContext, plan: Plan, cause: Cause, forcedService?: string): Outcome {
  const calls = plan.calls.map((p) => ({ ...p }));
  switch (cause) {
    case 'credential': {
      const index = forcedService
        ? calls.findIndex((p) => serviceOf(p) === forcedService)
        : c.r.pick(
            calls.map((p, i) => ((TOOLS[p.tool] as ToolDef).auth !== 'none' ? i : -1)).filter((i) => i >= 0),
          );
      const failing = calls[index];
      if (!failing) throw new Error('No tool to fail');
      const { output, message } = credentialFailure(c, serviceOf(failing));
      calls[index] = { ...failing, ok: false, output, durationMs: c.r.int(90, 450) };
      return failed(calls.slice(0, index + 1), message, 0.25 + index * 0.2);
    }
    case 'timeout': {
      const index = c.r.int(0, calls.length - 1);
      const failing = calls[index];
      if (!failing) throw new Error('No tool to fail');
      const { output, message, durationMs } = timeoutFailure(failing);
      calls[index] = { ...failing, ok: false, output, durationMs };
      return failed(calls.slice(0, index + 1), message, 0.4 + index * 0.2);
    }
    case 'token_limit': {
      const index = c.r.int(0, Math.max(0, calls.length - 2));
      const limit = c.agent.tokenLimit;
      const used = limit + c.r.int(180, 14000);
      const message = `Token limit exceeded: prompt + tool results used ${groupThousands(used)} tokens (limit ${groupThousands(limit)})`;
      return failed(calls.slice(0, index + 1), message, c.r.float(2.2, 4));
    }
    case 'format': {
      const kept = calls.length > 1 ? calls.slice(0, -1) : calls;
      const message = c.r.pick(FORMAT_ERRORS);
      return failed(kept, message, 0.9);
    }
  }
}

function scheduledPrompt(schedule: ScheduleDef, plan: Plan): string {
  const prefix = `Scheduled run (${schedule.kind} ${schedule.expression})`;
  return plan.event ? `${prefix}: ${schedule.prompt}\nEvent: ${plan.event}` : `${prefix}: ${schedule.prompt}`;
}

function runCredits(r: Rng, agent: AgentDef, toolCalls: number, factor: number): number | null {
  if (r.chance(0.03)) return null;
  const [min, max] = agent.credits;
  let credits = r.float(min, max) * (0.7 + 0.12 * toolCalls) * factor;
  // Tool loops and inflated context: the spikes the spec tells admins to look for.
  if (r.chance(0.012)) credits *= r.float(5, 20);
  return roundCredits(credits);
}

function toolCallOf(planned: PlannedCall): Omit<HistoricalToolCall, 'at'> {
  const { tool, input, output, ok, durationMs } = planned;
  return { toolName: tool, input, output, ok, durationMs };
}

interface Timeline {
  toolCalls: HistoricalToolCall[];
  /** When the last step was written: the final one when there is one. */
  end: number;
}

/** Times a run's steps after its start; a run still in flight stops before `until`. */
function timeline(
  g: Generator,
  startedAt: number,
  calls: readonly PlannedCall[],
  final: 'final_response' | 'error' | null,
  until: number,
): Timeline {
  let t = startedAt;
  const toolCalls: HistoricalToolCall[] = [];
  for (const planned of calls) {
    const at = t + g.r.int(700, 4500) + planned.durationMs;
    if (at > until) return { toolCalls, end: t };
    t = at;
    toolCalls.push({ ...toolCallOf(planned), at: new Date(t) });
  }
  if (final) t += final === 'final_response' ? g.r.int(1500, 9000) : g.r.int(200, 2500);
  return { toolCalls, end: t };
}

function inIncident(org: OrgDef, agent: AgentDef, now: number, at: number, plan: Plan): string | null {
  for (const incident of org.incidents) {
    if (incident.agent !== agent.name) continue;
    if (at < now - incident.fromDaysAgo * DAY || at >= now - incident.toDaysAgo * DAY) continue;
    if (plan.calls.some((p) => serviceOf(p) === incident.service)) return incident.service;
  }
  return null;
}

/** How a run of the schedule went: an incident's expired credential, a failure at its usual rate, or success. */
function planOutcome(c: RunContext, schedule: ScheduleDef, plan: Plan, incidentService: string | null): Outcome {
  if (incidentService) return fail(c, plan, 'credential', incidentService);
  if (!c.r.chance(schedule.failureRate)) {
    return { result: { status: 'completed', response: plan.answer }, calls: plan.calls, creditFactor: 1 };
  }
  const hasAuthTool = plan.calls.some((p) => (TOOLS[p.tool] as ToolDef).auth !== 'none');
  const cause = c.r.weighted<Cause>([
    ['credential', hasAuthTool ? 3 : 0],
    ['timeout', 3],
    ['token_limit', 2],
    ['format', 2],
  ]);
  return fail(c, plan, cause);
}

function buildScheduledRun(
  g: Generator,
  org: OrgSeed,
  schedule: ScheduleSeed,
  startedAt: number,
  state: 'finished' | 'active' | 'pending',
): void {
  const c: RunContext = { r: g.r, org: org.def, agent: schedule.agent.def, at: startedAt };
  const plan = schedule.def.plan(c);
  const organizationId = org.def.id;
  const key = `demo-run-${g.scheduledRuns.length + 1}`;
  const prompt = scheduledPrompt(schedule.def, plan);

  if (state !== 'finished') {
    const calls = state === 'active' && g.r.chance(0.6) ? plan.calls.slice(0, 1) : [];
    g.scheduledRuns.push({
      organizationId,
      state,
      start: { key, scheduleId: schedule.id, prompt, startedAt: new Date(startedAt) },
      toolCalls: timeline(g, startedAt, calls, null, g.now).toolCalls,
    });
    return;
  }

  let outcome = planOutcome(c, schedule.def, plan, inIncident(org.def, schedule.agent.def, g.now, startedAt, plan));
  // 1 in 15 failures carries no message (the worker died before recording it).
  if (outcome.result.status === 'failed' && g.failures++ % 15 === 7) {
    outcome = { ...outcome, result: { status: 'failed', errorMessage: null } };
  }
  const final = outcome.result.status === 'completed' ? 'final_response' : 'error';
  const { toolCalls, end } = timeline(g, startedAt, outcome.calls, final, Number.POSITIVE_INFINITY);
  g.scheduledRuns.push({
    organizationId,
    state,
    run: {
      key,
      scheduleId: schedule.id,
      prompt,
      startedAt: new Date(startedAt),
      toolCalls,
      outcome: outcome.result,
      finishedAt: new Date(end),
      credits: runCredits(g.r, schedule.agent.def, outcome.calls.length, outcome.creditFactor),
    },
  });
}

function createOrg(g: Generator, def: OrgDef): OrgSeed {
  const historyStart = g.now - HISTORY_DAYS * DAY;
  const agentSeeds = def.agents.map((a): AgentSeed => {
    const deletedAt =
      a.deletedDaysAgo === undefined ? null : g.now - a.deletedDaysAgo * DAY - g.r.int(0, 8 * HOUR);
    return { id: g.ids.uuid(), def: a, deletedAt };
  });
  const scheduleSeeds = def.schedules.map((s): ScheduleSeed => {
    const agent = agentSeeds.find((a) => a.def.name === s.agent);
    if (!agent) throw new Error(`Schedule ${s.name} names unknown agent ${s.agent}`);
    return {
      id: g.ids.uuid(),
      def: s,
      agent,
      // Finished runs end a few minutes before `now` so none finishes in the future.
      window: {
        from: s.sinceDays === undefined ? historyStart : g.now - s.sinceDays * DAY,
        to: Math.min(g.now - 5 * MINUTE, agent.deletedAt ?? Number.POSITIVE_INFINITY),
      },
    };
  });
  const org: OrgSeed = { def, agents: agentSeeds, schedules: scheduleSeeds };
  g.orgs.push(org);
  return org;
}

function buildScheduledRuns(
  g: Generator,
  org: OrgSeed,
  total: number,
  active: number,
  pending: number,
): void {
  const historical = Math.max(0, total - active - pending);
  const slots = org.schedules.map((s) =>
    s.def.kind === 'cron'
      ? cronFireTimes(s.def.expression, org.def.timeZone, s.window)
      : s.def.kind === 'interval'
        ? intervalFireTimes(s.def.expression, s.window)
        : null,
  );
  const caps = slots.map((times) => (times ? times.length : Number.POSITIVE_INFINITY));
  const weights = org.schedules.map((s, i) => s.def.weight ?? caps[i] ?? 0);
  const counts = allocate(historical, weights, caps);
  const runs: { schedule: ScheduleSeed; at: number }[] = [];
  org.schedules.forEach((schedule, i) => {
    const count = counts[i] ?? 0;
    const times = slots[i];
    if (times) {
      // A scheduler fires a moment after the slot, never exactly on it.
      for (const t of g.r.sample(times, count)) runs.push({ schedule, at: t + g.r.int(150, 4000) });
    } else {
      for (let k = 0; k < count; k++)
        runs.push({ schedule, at: eventTime(g.r, org.def.timeZone, schedule.window) });
    }
  });
  runs.sort((a, b) => a.at - b.at);
  for (const run of runs) buildScheduledRun(g, org, run.schedule, run.at, 'finished');

  // Runs still in flight: the newest ones, fired by events in the last hour.
  const live = org.schedules.filter((s) => s.agent.deletedAt === null && s.def.kind === 'trigger');
  for (let k = 0; k < active; k++)
    buildScheduledRun(g, org, g.r.pick(live), g.now - g.r.int(2 * MINUTE, 40 * MINUTE), 'active');
  for (let k = 0; k < pending; k++)
    buildScheduledRun(g, org, g.r.pick(live), g.now - g.r.int(5 * SECOND, 12 * MINUTE), 'pending');
}

interface Dialog {
  agent: string;
  topic: string;
  question: string;
  answer: string;
  tool?: (c: RunContext) => PlannedCall;
}

const DIALOGS: readonly Dialog[] = [
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
    answer:
      'We have 37 LX-9 lidar sensors available at the São Paulo warehouse, above the reorder point of 20.',
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
    answer:
      'It is in Notion under IT → Remote access → "VPN setup (WireGuard)". Ping #it-help if your key does not work.',
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
    answer:
      'Mostly positive: 14 mentions, praise for precision and setup time; 2 complaints about delivery delays.',
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

const CHANNEL_WEIGHTS: readonly (readonly [Exclude<ConversationChannel, 'schedule'>, number])[] = [
  ['hub', 35],
  ['whatsapp', 30],
  ['public_channel', 20],
  ['api', 15],
];

function channelTitle(r: Rng, channel: Exclude<ConversationChannel, 'schedule'>, topic: string): string {
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

/** Runs from regular conversations: same tables, no schedule, never listed on the page. */
function buildChannelRuns(g: Generator, org: OrgSeed, count: number): void {
  const windowFrom = g.now - HISTORY_DAYS * DAY;
  for (let k = 0; k < count; k++) {
    const dialog = g.r.pick(DIALOGS);
    const agent = org.agents.find((a) => a.def.name === dialog.agent);
    if (!agent) continue;
    const channel = g.r.weighted(CHANNEL_WEIGHTS);
    const recent = k >= count - 2;
    const to = Math.min(g.now - 5 * MINUTE, agent.deletedAt ?? Number.POSITIVE_INFINITY);
    const startedAt =
      recent && agent.deletedAt === null
        ? g.now - g.r.int(1 * MINUTE, 20 * MINUTE)
        : eventTime(g.r, org.def.timeZone, { from: windowFrom, to });
    const status: ExecutionStatus =
      recent && agent.deletedAt === null ? 'active' : g.r.chance(0.05) ? 'failed' : 'completed';
    const c: RunContext = { r: g.r, org: org.def, agent: agent.def, at: startedAt };
    const calls = dialog.tool ? [dialog.tool(c)] : [];
    const conversationId = g.ids.uuid();
    const rows = g.channelRows;
    rows.conversations.push({
      organizationId: org.def.id,
      id: conversationId,
      agentId: agent.id,
      channel,
      title: channelTitle(g.r, channel, dialog.topic),
      createdAt: new Date(startedAt),
    });
    const errorMessage = status === 'failed' ? c.r.pick(FORMAT_ERRORS) : null;
    const final = status === 'active' ? null : status === 'failed' ? 'error' : 'final_response';
    const { toolCalls, end } = timeline(
      g,
      startedAt,
      status === 'active' ? [] : calls,
      final,
      status === 'active' ? g.now : Number.POSITIVE_INFINITY,
    );
    const step = { organizationId: org.def.id, conversationId };
    rows.steps.push(
      { ...step, position: 0, kind: 'scheduled_call', content: dialog.question, createdAt: new Date(startedAt) },
      ...toolCalls.map(
        (call, i): StepRow => ({
          ...step,
          position: i + 1,
          kind: 'tool_call',
          toolName: call.toolName,
          toolInput: call.input,
          toolOutput: call.output,
          ok: call.ok,
          durationMs: call.durationMs,
          createdAt: call.at,
        }),
      ),
    );
    if (final) {
      const content = final === 'error' ? errorMessage : dialog.answer;
      rows.steps.push({ ...step, position: toolCalls.length + 1, kind: final, content, createdAt: new Date(end) });
    }
    rows.executions.push({
      organizationId: org.def.id,
      id: g.ids.uuid(),
      conversationId,
      agentId: agent.id,
      scheduleId: null,
      status,
      startedAt: new Date(startedAt),
      finishedAt: status === 'active' ? null : new Date(end + g.r.int(40, 400)),
      credits: status === 'active' ? null : runCredits(g.r, agent.def, calls.length, 0.6),
      errorMessage,
    });
  }
}

function chunks<T>(rows: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** One run of a demo schedule as the simulated scheduler plays it out, call by call. */
export interface DemoRunPlan {
  prompt: string;
  toolCalls: Omit<HistoricalToolCall, 'at'>[];
  outcome: FinishedRunInput['outcome'];
  /** Null: the platform never calculated them (the page keeps showing "—"). */
  credits: number | null;
}

/**
 * Plans a run of the named demo schedule starting `at`, exactly as the seed plans its history —
 * same tools, answers and failure causes. Null when the organization has no such demo schedule.
 */
export function planDemoRun(organizationId: string, scheduleName: string, at: Date, seed: number): DemoRunPlan | null {
  const org = [ACME, GLOBEX].find((o) => o.id === organizationId);
  const schedule = org?.schedules.find((s) => s.name === scheduleName);
  const agent = org?.agents.find((a) => a.name === schedule?.agent);
  if (!org || !schedule || !agent) return null;
  const r = new Rng(seed);
  const c: RunContext = { r, org, agent, at: at.getTime() };
  const plan = schedule.plan(c);
  const outcome = planOutcome(c, schedule, plan, inIncident(org, agent, c.at, c.at, plan));
  return {
    prompt: scheduledPrompt(schedule, plan),
    toolCalls: outcome.calls.map(toolCallOf),
    outcome: outcome.result,
    credits: runCredits(r, agent, outcome.calls.length, outcome.creditFactor),
  };
}

/** True when the demo organization exists. */
export async function isSeeded(db: ExecutionsDatabase): Promise<boolean> {
  const found = await db
    .select({ id: organizations.organizationId })
    .from(organizations)
    .where(eq(organizations.organizationId, DEMO_ORGANIZATION_ID))
    .limit(1);
  return found.length > 0;
}

async function writeOrganization(db: ExecutionsDatabase, org: OrgSeed): Promise<void> {
  const organizationId = org.def.id;
  await upsertOrganization(db, organizationId, { name: org.def.name, timeZone: org.def.timeZone });
  for (const agent of org.agents) await upsertAgent(db, organizationId, { agentId: agent.id, name: agent.def.name });
  for (const schedule of org.schedules) {
    const { name, kind, expression } = schedule.def;
    await upsertSchedule(db, organizationId, { scheduleId: schedule.id, agentId: schedule.agent.id, name, kind, expression });
  }
}

/** A run still in flight, call by call as the scheduler reports it. */
async function writeLiveRun(
  db: ExecutionsDatabase,
  live: Extract<ScheduledRun, { state: 'pending' | 'active' }>,
): Promise<void> {
  const { organizationId } = live;
  const { executionId } = await startExecution(db, organizationId, live.start);
  if (live.state === 'pending') return;
  await markActive(db, organizationId, executionId);
  for (const [i, call] of live.toolCalls.entries()) {
    await recordToolCall(db, organizationId, executionId, { ...call, key: `${live.start.key}/tool-${i + 1}` });
  }
}

/**
 * Writes both organizations in one transaction (the recorder's own transactions nest in it as
 * savepoints), so an interrupted seed leaves nothing. `runs` is the number of scheduled runs for the
 * demo organization (active and pending included); other channels get runs/8, Globex runs/12.
 */
export async function seedDemo(db: ExecutionsDatabase, options: SeedOptions = {}): Promise<void> {
  const now = (options.now ?? new Date()).getTime();
  const runs = Math.max(0, Math.floor(options.runs ?? DEFAULT_RUNS));
  const seed = options.seed ?? DEFAULT_SEED;
  const g: Generator = {
    r: new Rng(seed),
    // Ids come from their own stream so content tweaks do not reshuffle them.
    ids: new Rng(Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1)),
    now,
    failures: 0,
    orgs: [],
    scheduledRuns: [],
    channelRows: { conversations: [], executions: [], steps: [] },
  };

  const acme = createOrg(g, ACME);
  buildScheduledRuns(g, acme, runs, Math.min(3, Math.floor(runs / 50)), Math.min(4, Math.floor(runs / 40)));
  buildChannelRuns(g, acme, Math.round(runs / 8));
  const globex = createOrg(g, GLOBEX);
  buildScheduledRuns(
    g,
    globex,
    Math.round(runs / 12),
    Math.min(1, Math.floor(runs / 500)),
    Math.min(1, Math.floor(runs / 500)),
  );

  const rows = g.channelRows;
  await db.transaction(async (tx) => {
    for (const org of g.orgs) await writeOrganization(tx, org);
    for (const org of g.orgs) {
      const history = g.scheduledRuns.flatMap((s) =>
        s.state === 'finished' && s.organizationId === org.def.id ? [s.run] : [],
      );
      for (const batch of chunks(history, BATCH_SIZE)) await recordFinishedRuns(tx, org.def.id, batch);
    }
    for (const run of g.scheduledRuns) if (run.state !== 'finished') await writeLiveRun(tx, run);
    for (const org of g.orgs) {
      for (const agent of org.agents) {
        if (agent.deletedAt !== null) await deleteAgent(tx, org.def.id, agent.id, new Date(agent.deletedAt));
      }
    }
    for (const batch of chunks(rows.conversations, BATCH_SIZE)) await tx.insert(conversations).values(batch);
    for (const batch of chunks(rows.executions, BATCH_SIZE)) await tx.insert(executions).values(batch);
    for (const batch of chunks(rows.steps, BATCH_SIZE)) await tx.insert(steps).values(batch);
  });
}
