import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openPglite, rows } from '../src/db/database.js';

// The embedded default runs on small hosts: PGlite's memory only ever grows, so its buffer pool
// is kept at 16 MB instead of PostgreSQL's 128 MB (measured: ~50 MB less at the peak of a backlog).
describe('the embedded database in a data directory', () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('opens with a 16 MB buffer pool, and again after it was closed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'senim-embedded-'));
    dirs.push(dir);
    for (let open = 0; open < 2; open++) {
      const database = await openPglite(dir);
      try {
        const [row] = await rows<{ shared_buffers: string }>(database.db, sql`show shared_buffers`);
        expect(row!.shared_buffers).toBe('16MB');
      } finally {
        await database.close();
      }
    }
  });
});
