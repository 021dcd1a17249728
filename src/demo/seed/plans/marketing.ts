/** What the Social Media Scout's schedules do. */
import type { PlanFn } from '../model.js';
import { slug } from '../formatting.js';
import { DAY, HOUR, iso } from '../time.js';
import { call, httpCall, localDate, notionCreatePage, slackPost } from '../tool-calls.js';

export const brandMentionMonitor: PlanFn = (c) => {
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

export const competitorLaunchWatch: PlanFn = (c) => {
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
      notionCreatePage(c, '9a2f6c3e-1d8b-4e7a-b5c0-3f9e2d1a8c64', `${competitor} launch — ${localDate(c, c.at)}`, {
        Competitor: { select: { name: competitor } },
      }),
    );
  return {
    calls,
    answer: found
      ? `${competitor} announced a new collaborative arm; summarised it in the Competitors database.`
      : 'No competitor launches in the last 24 hours.',
  };
};
