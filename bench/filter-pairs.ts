/**
 * `npx tsx bench/filter-pairs.ts [--database xa_bench] [--iterations 20] [--match REGEX]`: every sort
 * by credits and duration, each way, behind pairs (and a few triples) of filters, on the database
 * `npm run bench` seeded: a rare set (credit spikes, one kind of failure) with an agent, a status or
 * a range; a search, frequent, rare or matching nothing, with a range, a status or an agent; an
 * agent with a status it has or has not. Timed as the page's reads (`loadExecutionList`, no HTTP),
 * three warm-up reads then `--iterations`; prints p50 and p95 in ms, marking those over the sort's
 * 25 ms target. The agents and kinds of failure are read from the count tables: the costliest and
 * the cheapest, which sit at the two ends of an order.
 */
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { connectPostgres } from '../src/db/database.js';
import { findFirstRun, findOrganization } from '../src/db/organization.js';
import { localDay } from '../src/lib/time-zone.js';
import { loadExecutionList } from '../src/list/execution-list.js';
import { parseExecutionQuery } from '../src/list/query.js';
import { summary } from './harness.js';
import { BENCH_ORGANIZATION } from './seed-large.js';

const { values } = parseArgs({
  options: {
    database: { type: 'string', default: 'xa_bench' },
    iterations: { type: 'string', default: '20' },
    match: { type: 'string' },
  },
});
const TARGET_MS = 25;
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const benchUrl = Object.assign(new URL(serverUrl), { pathname: `/${values.database}` }).toString();
const only = values.match ? new RegExp(values.match) : null;

const sql = postgres(benchUrl, { max: 1 });
const costs = await sql<{ agent_id: string }[]>`
  select agent_id from executions_admin.xa_execution_monthly_counts
   where organization_id = ${BENCH_ORGANIZATION} and status in ('completed', 'failed')
   group by 1 order by sum(credit_cents)::float8 / nullif(sum(runs), 0) desc`;
const failures = await sql<{ failed_tool: string; error_signature: string }[]>`
  select failed_tool, error_signature from executions_admin.xa_execution_monthly_counts
   where organization_id = ${BENCH_ORGANIZATION} and status = 'failed' and failed_tool <> ''
   group by 1, 2 order by sum(runs) desc, 1, 2`;
await sql.end();
if (costs.length === 0 || failures.length === 0) throw new Error(`${values.database} is not seeded: run npm run bench first`);

const dearest = `agent=${costs[0]!.agent_id}`;
const cheapest = `agent=${costs.at(-1)!.agent_id}`;
const failure = (f: (typeof failures)[number]) =>
  `status=failed&tool=${encodeURIComponent(f.failed_tool)}&error=${encodeURIComponent(f.error_signature)}`;
const commonFailure = failure(failures[0]!);
const rareFailure = failure(failures.at(-1)!);
const week = 'start=2025-06-02&end=2025-06-08';
const month = 'start=2025-06-01&end=2025-06-30';
const year = 'start=2025-01-01&end=2025-12-31';
const filterSets: Record<string, string> = {
  'common failure, a week': `${commonFailure}&${week}`,
  'common failure, a month': `${commonFailure}&${month}`,
  'common failure, a year': `${commonFailure}&${year}`,
  'rarest failure, a month': `${rareFailure}&${month}`,
  'common failure, dearest agent': `${commonFailure}&${dearest}`,
  'common failure, cheapest agent': `${commonFailure}&${cheapest}`,
  'spikes, a week': `spikes=1&${week}`,
  'spikes, a month': `spikes=1&${month}`,
  'spikes, dearest agent': `spikes=1&${dearest}`,
  'spikes, cheapest agent': `spikes=1&${cheapest}`,
  'spikes, cheapest agent, a month': `spikes=1&${cheapest}&${month}`,
  'spikes, Failed': 'spikes=1&status=failed',
  'spikes, Pending': 'spikes=1&status=pending',
  'spikes, common failure': `spikes=1&${commonFailure}`,
  'Completed, cheapest agent': `status=completed&${cheapest}`,
  'Failed, dearest agent': `status=failed&${dearest}`,
  'Pending, dearest agent': `status=pending&${dearest}`,
  'Active, cheapest agent, a week': `status=active&${cheapest}&${week}`,
  'Failed, a week': `status=failed&${week}`,
  'cheapest agent, a year': `${cheapest}&${year}`,
  'frequent term, a week': `q=hubspot&${week}`,
  'frequent term, a month': `q=hubspot&${month}`,
  'frequent term, a year': `q=hubspot&${year}`,
  'frequent term, cheapest agent': `q=hubspot&${cheapest}`,
  'frequent term, cheapest agent, a month': `q=hubspot&${cheapest}&${month}`,
  'a term in one run of 40, a month': `q=timed%20out&${month}`,
  'a term in one run of 40, a year': `q=timed%20out&${year}`,
  'rare term': 'q=zendesk',
  'rare term, a month': `q=zendesk&${month}`,
  'rare term, a year': `q=zendesk&${year}`,
  'rare term, Failed': 'q=zendesk&status=failed',
  'no match': 'q=zebra',
  'no match, a month': `q=zebra&${month}`,
};

const database = connectPostgres(benchUrl);
const found = await findOrganization(database.db, BENCH_ORGANIZATION);
if (!found) throw new Error(`${BENCH_ORGANIZATION} is not seeded`);
const firstRun = await findFirstRun(database.db, BENCH_ORGANIZATION);
const organization = { ...found, firstDay: firstRun && localDay(firstRun, found.timeZone) };
let over = 0;
try {
  console.log(`| filters | sort | total | p50 ms | p95 ms |\n| --- | --- | --- | --- | --- |`);
  for (const [name, filters] of Object.entries(filterSets)) {
    for (const sort of ['credits', '-credits', 'duration', '-duration']) {
      if (only && !only.test(`${name} sort=${sort}`)) continue;
      const parsed = parseExecutionQuery(new URLSearchParams(`${filters}&sort=${sort}`));
      const times: number[] = [];
      let total = '';
      for (let i = 0; i < Number(values.iterations) + 3; i++) {
        const start = performance.now();
        const list = await loadExecutionList(database.db, organization, parsed, new Date());
        if (i >= 3) times.push(performance.now() - start);
        total = `${list.lowerBound ? 'at least ' : ''}${list.total.toLocaleString('en')}`;
      }
      const { p50, p95 } = summary(times);
      if (p95 > TARGET_MS) over += 1;
      console.log(
        `| ${name} | ${sort} | ${total} | ${p50.toFixed(1)} | ${p95 > TARGET_MS ? `**${p95.toFixed(1)}**` : p95.toFixed(1)} |`,
      );
    }
  }
  console.log(`\n${over} over ${TARGET_MS} ms p95.`);
} finally {
  await database.close();
}
