/** Builders of planned tool calls with realistic inputs and outputs, shared by the schedules' plans. */
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { hashCode, slug } from './formatting.js';
import type { Json, JsonObject, PlannedCall, RunContext } from './model.js';
import { COMPANIES, type Company, PRODUCTS, SALES_REPS } from './people.js';
import { iso, SECOND } from './time.js';
import { type ToolDef, type ToolName, TOOLS } from './tools.js';

export function call(c: RunContext, tool: ToolName, input: JsonObject, output: Json, target?: string): PlannedCall {
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

export function httpCall(c: RunContext, method: 'GET' | 'POST', url: string, body: JsonObject | null, output: Json): PlannedCall {
  const input: JsonObject = { method, url, headers: { Accept: 'application/json' }, timeout_ms: 15000 };
  if (body) input.body = body;
  const planned = call(c, 'http.request', input, output, url);
  planned.method = method;
  return planned;
}

export function localDate(c: RunContext, ms: number, pattern = 'dd/MM/yyyy'): string {
  return format(new TZDate(ms, c.org.timeZone), pattern);
}

function slackChannelId(channel: string): string {
  return `C0${hashCode(channel).toString(36).toUpperCase().padStart(7, 'X')}`;
}

export function slackPost(c: RunContext, channel: string, text: string): PlannedCall {
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

export function gmailSend(c: RunContext, to: readonly string[], subject: string, body: string): PlannedCall {
  const id = c.r.hex(16);
  return call(c, 'gmail.send', { from: c.agent.account, to: [...to], subject, body }, { id, threadId: id, labelIds: ['SENT'] });
}

export function notionCreatePage(c: RunContext, database: string, title: string, properties: JsonObject): PlannedCall {
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

export function sheetsAppend(c: RunContext, spreadsheetId: string, range: string, values: Json[][]): PlannedCall {
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

export function randomDeal(c: RunContext): Deal {
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

export function hubspotDeal(d: Deal, stage: string, closeDate: string): Json {
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
