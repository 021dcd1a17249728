/** How a run ends: success, or one of the failure causes the page groups by; and its credits. */
import type { FinishedRunInput, HistoricalToolCall } from '../../write/recorder.js';
import { groupThousands, hashCode, roundCredits } from './formatting.js';
import type { AgentDef, Json, OrgDef, Plan, PlannedCall, RunContext, ScheduleDef } from './model.js';
import type { Rng } from './rng.js';
import { DAY } from './time.js';
import { type ToolDef, TOOLS } from './tools.js';

type Cause = 'credential' | 'timeout' | 'token_limit' | 'format';

export const FORMAT_ERRORS = [
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
          error_description: 'The access token provided is expired, revoked, malformed or invalid for other reasons.',
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
        : c.r.pick(calls.map((p, i) => ((TOOLS[p.tool] as ToolDef).auth !== 'none' ? i : -1)).filter((i) => i >= 0));
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

export function scheduledPrompt(schedule: ScheduleDef, plan: Plan): string {
  const prefix = `Scheduled run (${schedule.kind} ${schedule.expression})`;
  return plan.event ? `${prefix}: ${schedule.prompt}\nEvent: ${plan.event}` : `${prefix}: ${schedule.prompt}`;
}

export function runCredits(r: Rng, agent: AgentDef, toolCalls: number, factor: number): number | null {
  if (r.chance(0.03)) return null;
  const [min, max] = agent.credits;
  let credits = r.float(min, max) * (0.7 + 0.12 * toolCalls) * factor;
  // Tool loops and inflated context: the spikes the spec tells admins to look for.
  if (r.chance(0.012)) credits *= r.float(5, 20);
  return roundCredits(credits);
}

export function toolCallOf(planned: PlannedCall): Omit<HistoricalToolCall, 'at'> {
  const { tool, input, output, ok, durationMs } = planned;
  return { toolName: tool, input, output, ok, durationMs };
}

export function inIncident(org: OrgDef, agent: AgentDef, now: number, at: number, plan: Plan): string | null {
  for (const incident of org.incidents) {
    if (incident.agent !== agent.name) continue;
    if (at < now - incident.fromDaysAgo * DAY || at >= now - incident.toDaysAgo * DAY) continue;
    if (plan.calls.some((p) => serviceOf(p) === incident.service)) return incident.service;
  }
  return null;
}

/** How a run of the schedule went: an incident's expired credential, a failure at its usual rate, or success. */
export function planOutcome(c: RunContext, schedule: ScheduleDef, plan: Plan, incidentService: string | null): Outcome {
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
