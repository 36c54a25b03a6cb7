#!/usr/bin/env -S node --max-semi-space-size=2 --v8-pool-size=1
// The `senim` command. V8 is tuned for the small hosts Senim runs on (2 cores): young-generation
// semi-spaces of 2 MB instead of 16 keep a long backlog pass ~50 MB smaller at the same speed, and
// one V8 helper thread instead of four stops parallel GC from fighting the prepare worker for the
// cores (`npm run bench`: peak RSS 333-341 -> 278-283 MB, 410-425 -> 445-455 msg/s, N = 3,000).
import '../dist/cli.js';
