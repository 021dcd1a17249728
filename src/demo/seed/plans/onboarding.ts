/** What the Onboarding Buddy's schedules do. */
import type { PlanFn } from '../model.js';
import { person } from '../people.js';
import { DAY } from '../time.js';
import { call, gmailSend, localDate, slackPost } from '../tool-calls.js';

export const newHireWelcome: PlanFn = (c) => {
  const hire = person(c.r, 'acme.example');
  const role = c.r.pick(['Robotics Engineer', 'Account Executive', 'Support Specialist', 'Data Analyst', 'Field Technician']);
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

export const onboardingChecklistNudge: PlanFn = (c) => {
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
