/**
 * `npm run build` step: dist/pglite-seed.tgz, an initialised empty PGlite data directory. A first
 * start loads it instead of running initdb inside WebAssembly (design: small hosts). Built by the
 * installed PGlite, so its format always matches the engine that loads it.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';

const target = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../dist/pglite-seed.tgz',
);
const db = await PGlite.create();
const seed = await db.dumpDataDir('gzip');
await db.close();
mkdirSync(path.dirname(target), { recursive: true });
writeFileSync(`${target}.tmp`, Buffer.from(await seed.arrayBuffer()));
renameSync(`${target}.tmp`, target);
