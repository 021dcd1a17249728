import { defineConfig } from 'drizzle-kit';

// Generates the module's SQL migrations into drizzle/ (`npm run db:generate`).
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './drizzle',
});
