#!/usr/bin/env node
// Stand-alone entry of the bench (`node dist/src/cli/bench/main.js …`), used by scripts/bench
// and scripts/bench-compare.sh when the full `sluice` CLI is not built. Same commands as `sluice bench`.
import { benchCommand } from './command';

benchCommand()
  .name('sluice-bench')
  .parseAsync(process.argv)
  .then(() => {
    // Clients may keep sockets or timers referenced after close; a finished bench exits.
    setTimeout(() => process.exit(process.exitCode ?? 0), 200).unref();
  })
  .catch((error: unknown) => {
    process.stderr.write(`bench: ${(error as Error).message ?? String(error)}\n`);
    process.exit(1);
  });
