/**
 * `npm start`: the demo. Embedded PGlite in .data/ (or DATABASE_URL), migrated and seeded on
 * first start, served at http://localhost:3000/admin/executions.
 */
import { serve } from '@hono/node-server';
import { openDemoDatabase } from './demo-database.js';
import { createDemoApp, DEMO_MOUNT_PATH } from './host-app.js';
import { DEMO_ORGANIZATION_ID } from './seed.js';

const port = Number(process.env.PORT ?? 3000);
const database = await openDemoDatabase();

const app = createDemoApp(database.db, { id: DEMO_ORGANIZATION_ID, name: 'Acme Robotics' });
const server = serve({ fetch: app.fetch, port }, (info) => {
  console.log(`Executions demo: http://localhost:${info.port}${DEMO_MOUNT_PATH}`);
});

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: closing…`);
  server.close();
  // PGlite must close cleanly or its data folder needs recovery on the next start.
  await database.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
