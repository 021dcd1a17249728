/** What the Support Triage agent's schedules do. */
import { hashCode, slug } from '../formatting.js';
import type { JsonObject, PlanFn, RunContext } from '../model.js';
import { COMPANIES, person } from '../people.js';
import { iso, MINUTE, SECOND } from '../time.js';
import { call, slackPost } from '../tool-calls.js';

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

export const hourlyInboxTriage: PlanFn = (c) => {
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

export const urgentTicketEscalation: PlanFn = (c) => {
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
