#!/usr/bin/env -S MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=65536 MALLOC_TRIM_THRESHOLD_=262144 node --max-semi-space-size=2 --v8-pool-size=1 --heap-growing-percent=60 --max-inlined-bytecode-size=150 --max-inlined-bytecode-size-cumulative=300
// The `senim` command, tuned for the small hosts Senim runs on (2 cores), measured with
// `npm run bench` (PostgreSQL, N = 10,000, peak RSS of the pass):
// - V8: young-generation semi-spaces of 2 MB instead of 16, and one helper thread instead of four
//   (parallel GC fought the prepare worker for the cores): ~350 -> ~305 MB at the same speed.
// - glibc malloc: two arenas, buffers of 64 KB and more mapped on their own and returned when
//   freed (by default a freed 30 MB message raises the threshold, and later buffers fragment the
//   heap): ~305 -> 260-286 MB.
// - V8: an old generation allowed to grow by 60% between full collections rather than by V8's
//   own factor (1.1 to 4, from its GC speed): between two collections the main thread piles up
//   the originals it has committed, and peaks followed those piles: 249-271 -> 220-240 MB at
//   about the same speed (at 40%; 20% was 10% slower). Since the holiday table shrank the main
//   heap, 60% fits: 40 / 55 / 70% gave 218 / 221 / 227 MB and 20.0 / 19.7 / 19.2 s of CPU.
// - V8: a third of the default inlining budgets (460 / 920 bytes of bytecode). On a backlog the
//   optimising compiler's own work was ~1,600 functions and ~2.5 s of CPU per 10,000 messages;
//   the smaller budgets take 0.5-0.8 s off it and the pass was 0.3-0.9 s faster in each of three
//   runs. Warmed up, prepareMail is as fast within noise, though triage's hottest loops lose
//   ~10% (no inlining at all: as fast a pass, 5% slower warmed up).
// node takes none of these at run time, so the shebang gives them (env -S).
import '../dist/cli.js';
