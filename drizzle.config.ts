import { defineConfig } from 'drizzle-kit';

// Migrations are generated from the schema and committed (`npm run db:generate`); never `push`.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './drizzle',
});
