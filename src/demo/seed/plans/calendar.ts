/** What the Calendar Concierge's schedules do. */
import type { Json, PlanFn } from '../model.js';
import { COMPANIES, person } from '../people.js';
import { HOUR, iso } from '../time.js';
import { call, gmailSend, localDate, notionCreatePage } from '../tool-calls.js';

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

export const morningAgendaBriefing: PlanFn = (c) => {
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

export const meetingFollowUp: PlanFn = (c) => {
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
