/** `npm run seed`: migrates the demo database and writes the demo data if it is not there yet. */
import { openDemoDatabase } from './demo-database.js';

const database = await openDemoDatabase();
await database.close();
