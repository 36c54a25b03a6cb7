/**
 * `npm run bench [-- options]`: builds the CLI (dist), runs the benchmark, prints the table and
 * writes the same figures to bench/results.json.
 *   --sizes 1000,10000   corpus sizes (default)
 *   --runs 3             runs per figure (median, min, max)
 *   --engines postgres,pglite
 *   --cli dist|tsx       the Senim child: node dist/cli.js (built first) or node --import tsx src/cli.ts
 *   --no-build           use dist as it is
 *   --outbox 1000        acknowledgements delivered (0: skip)
 *   --report 1000000     journal entries for the Chairman's report (0: skip)
 *   --huge 31457280      bytes of the one huge attachment (0: none)
 *   --node-arg ARG       extra node flag for the Senim child (repeatable, e.g. --cpu-prof)
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatTable, runBench, type EngineName } from './bench.js';
import { ROOT, type CliMode } from './senim.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,10000' },
    runs: { type: 'string', default: '3' },
    engines: { type: 'string', default: 'postgres,pglite' },
    cli: { type: 'string', default: 'dist' },
    'no-build': { type: 'boolean', default: false },
    outbox: { type: 'string', default: '1000' },
    report: { type: 'string', default: '1000000' },
    huge: { type: 'string', default: String(30 * 1024 * 1024) },
    'node-arg': { type: 'string', multiple: true, default: [] },
    out: { type: 'string', default: path.join(ROOT, 'bench/results.json') },
  },
});

const cli = values.cli as CliMode;
if (cli !== 'dist' && cli !== 'tsx') throw new Error('--cli: dist or tsx');
if (cli === 'dist' && !values['no-build']) {
  console.error('building dist (npm run build)…');
  try {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  } catch {
    // tsc emits despite type errors (e.g. in files being edited): the bench measures what it emitted
    console.error('warning: the build reported type errors; dist was emitted anyway');
  }
}

const started = Date.now();
const results = await runBench({
  sizes: values.sizes.split(',').map(Number),
  runs: Number(values.runs),
  engines: values.engines.split(',') as EngineName[],
  cli,
  outbox: Number(values.outbox),
  reportEntries: Number(values.report),
  hugeAttachmentBytes: Number(values.huge),
  nodeArgs: values['node-arg'],
  log: (line) => console.error(`[${((Date.now() - started) / 1000).toFixed(0)} s] ${line}`),
});
writeFileSync(values.out, JSON.stringify(results, null, 2) + '\n');
console.log(formatTable(results));
console.log(`\n(figures in ${path.relative(process.cwd(), values.out)})`);
