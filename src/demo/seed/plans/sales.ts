/** What the Sales Assistant's and the Lead Qualifier's schedules do. */
import { groupThousands, money, sum } from '../formatting.js';
import type { PlanFn } from '../model.js';
import { COMPANIES, person } from '../people.js';
import { DAY, iso, SECOND } from '../time.js';
import { call, gmailSend, httpCall, hubspotDeal, localDate, notionCreatePage, randomDeal, slackPost } from '../tool-calls.js';

export const dailySalesDigest: PlanFn = (c) => {
  const day = c.at - DAY;
  const label = localDate(c, day);
  const deals = Array.from({ length: c.r.int(0, 8) }, () => randomDeal(c)).sort((a, b) => b.amount - a.amount);
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
      calls: [search, slackPost(c, '#sales', `:sunrise: No deals closed on ${label}. Pipeline review is on Monday as usual.`)],
      answer: `No deals closed on ${label}; posted a short note to #sales.`,
    };
  }
  const text = `:moneybag: *${deals.length} deal${deals.length === 1 ? '' : 's'} closed on ${label}* — ${money(total)} total.\nTop: ${top.name} (${money(top.amount)}, ${top.owner}).`;
  return {
    calls: [search, slackPost(c, '#sales', text)],
    answer: `Posted the daily sales digest to #sales: ${deals.length} deal${deals.length === 1 ? '' : 's'} closed on ${label} for ${money(total)}. The biggest was ${top.name} at ${money(top.amount)}, closed by ${top.owner}.`,
  };
};

export const weeklyPipelineReview: PlanFn = (c) => {
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

export const newLeadFollowUp: PlanFn = (c) => {
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
          jobtitle: c.r.pick(['Operations Manager', 'Plant Director', 'Head of Automation', 'Procurement Analyst', 'CTO']),
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

export const staleLeadSweep: PlanFn = (c) => {
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
            hs_task_body: stale.map((s) => `${s.contact.name} (${s.company.name}) — ${s.days} days`).join('\n'),
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
