/**
 * `npm start`: the demo. Embedded PGlite in .data/ (or DATABASE_URL), migrated and seeded on
 * first start, served at http://localhost:3000/admin/executions. A simulated scheduler keeps
 * runs arriving and finishing; `npm start -- --no-simulator` or SIMULATOR=off turns it off.
 */
import { serve } from '@hono/node-server';
import { openDemoDatabase } from './demo-database.js';
import { createDemoApp, DEMO_MOUNT_PATH } from './host-app.js';
import { DEMO_ORGANIZATION_ID } from './seed.js';
import { startSimulatedScheduler } from './simulator.js';

const port = Number(process.env.PORT ?? 3000);
const simulate = !process.argv.includes('--no-simulator') && process.env.SIMULATOR !== 'off';
const database = await openDemoDatabase();

const scheduler = simulate ? startSimulatedScheduler(database.db, DEMO_ORGANIZATION_ID) : null;
// With the simulator on, the pages offer Run again and Cancel, which it carries out.
const app = createDemoApp(database.db, { id: DEMO_ORGANIZATION_ID, name: 'Acme Robotics' }, scheduler ?? undefined);
const server = serve({ fetch: app.fetch, port }, (info) => {
  console.log(`Executions demo: http://localhost:${info.port}${DEMO_MOUNT_PATH}`);
});
console.log(
  scheduler
    ? 'Simulated scheduler on: a run fires every 8–15 s (--no-simulator or SIMULATOR=off to turn it off).'
    : 'Simulated scheduler off.',
);

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: closing…`);
  server.close();
  // Its last writes must land before the database closes.
  await scheduler?.stop();
  // PGlite must close cleanly or its data folder needs recovery on the next start.
  await database.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
