/**
 * `npm run budget`: the page's bandwidth and Slow 3G figures, measured now in Chromium on the
 * demo's data, printed against the budgets. Needs Chromium (apt-get install -y chromium).
 */
import { openDatabase } from '../src/db/database.js';
import { createDemoApp } from '../src/demo/host-app.js';
import { DEMO_ORGANIZATION_ID, seedDemo } from '../src/demo/seed.js';
import { launchChromium, startServer } from '../test/support/browser.js';
import { BUDGETS, CPU_SLOWDOWN, measureBandwidth, SLOW_3G, slow3g } from './page-metrics.js';

const database = await openDatabase({});
await database.migrate();
await seedDemo(database.db);
const server = await startServer(createDemoApp(database.db, { id: DEMO_ORGANIZATION_ID, name: 'Acme Robotics' }).fetch);
const browser = await launchChromium();
try {
  const url = `${server.origin}/admin/executions`;
  const bytes = await measureBandwidth(browser, url);
  const context = await browser.newContext();
  const timings = await slow3g(context, url);
  await context.close();

  const kb = (n: number) => `${(n / 1000).toFixed(1)} KB`;
  const rows: [string, string, string, boolean][] = [
    [
      'Cold first load',
      `${kb(bytes.coldBytes)} in ${bytes.coldRequests} requests`,
      `≤ ${kb(BUDGETS.coldBytes)} in ≤ ${BUDGETS.coldRequests}`,
      bytes.coldBytes <= BUDGETS.coldBytes && bytes.coldRequests <= BUDGETS.coldRequests,
    ],
    ['HTML of a 20-row page', kb(bytes.htmlBytes), `≤ ${kb(BUDGETS.htmlBytes)}`, bytes.htmlBytes <= BUDGETS.htmlBytes],
    [
      'Warm load (assets cached)',
      `${kb(bytes.warmBytes)} in ${bytes.warmRequests} request(s)`,
      `≤ ${kb(BUDGETS.warmBytes)} in ${BUDGETS.warmRequests}`,
      bytes.warmBytes <= BUDGETS.warmBytes && bytes.warmRequests === BUDGETS.warmRequests,
    ],
    [
      'Page swap (htmx)',
      `${kb(bytes.swapBytes)} in ${bytes.swapRequests} request(s)`,
      `≤ ${kb(BUDGETS.swapBytes)} in ${BUDGETS.swapRequests}`,
      bytes.swapBytes <= BUDGETS.swapBytes && bytes.swapRequests === BUDGETS.swapRequests,
    ],
    [
      'Filter swap (htmx)',
      `${kb(bytes.filterBytes)} in ${bytes.filterRequests} request(s)`,
      `≤ ${kb(BUDGETS.filterBytes)} in ${BUDGETS.filterRequests}`,
      bytes.filterBytes <= BUDGETS.filterBytes && bytes.filterRequests === BUDGETS.filterRequests,
    ],
    [
      'Filter, JavaScript off',
      kb(bytes.noJsFilterBytes),
      `≤ ${kb(BUDGETS.noJsFilterBytes)}`,
      bytes.noJsFilterBytes <= BUDGETS.noJsFilterBytes,
    ],
    [
      'Slow 3G: table painted',
      `${Math.round(timings.paintMs)} ms`,
      `≤ ${BUDGETS.paintMs} ms`,
      timings.paintMs <= BUDGETS.paintMs,
    ],
    [
      'Slow 3G: page usable',
      `${Math.round(timings.usableMs)} ms`,
      `≤ ${BUDGETS.usableMs} ms`,
      timings.usableMs <= BUDGETS.usableMs,
    ],
    [
      'Slow 3G: filter chosen to rows painted',
      `${Math.round(timings.swapMs)} ms`,
      `≤ ${BUDGETS.swapMs} ms`,
      timings.swapMs <= BUDGETS.swapMs,
    ],
  ];
  console.log(`Measured in Chromium; bytes as transferred (compressed, headers included).`);
  console.log(
    `Slow 3G: ${SLOW_3G.latency} ms latency, ${SLOW_3G.downloadThroughput} B/s each way, CPU ${CPU_SLOWDOWN}× slower.\n`,
  );
  console.log('| measure | measured | budget | |');
  console.log('| --- | --- | --- | --- |');
  for (const [name, value, budget, ok] of rows) console.log(`| ${name} | ${value} | ${budget} | ${ok ? 'ok' : 'OVER'} |`);
  process.exitCode = rows.every(([, , , ok]) => ok) ? 0 : 1;
} finally {
  await browser.close();
  await server.close();
  await database.close();
}
