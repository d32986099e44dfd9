// The consumer-group simulator's command line:
//   node dist/test/consumer-groups/sim/cli.js --seeds A..B [--steps N] [--trace]
// Runs each seed, prints every failure with the one command that reproduces it, and ends with
// `groups sim: N passed, N failed` (exit code 1 if any failed).
import { runSeed, type SimResult } from './simulation';
import { parseSimArgs } from '../../sim-seeds';

export const DEFAULT_STEPS = 300;

export function parseArgs(argv: readonly string[]): { from: number; to: number; steps: number; trace: boolean } {
  const { from, to, steps, trace } = parseSimArgs(argv, DEFAULT_STEPS, '--seeds A..B [--steps N] [--trace]');
  return { from, to, steps, trace };
}

export function describeFailure(r: SimResult, steps: number): string {
  return `seed ${r.seed} FAILED at step ${r.step}: ${r.error}\n  reproduce: node dist/test/consumer-groups/sim/cli.js --seeds ${r.seed} --steps ${steps} --trace`;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  let passed = 0;
  let failed = 0;
  for (let seed = args.from; seed <= args.to; seed++) {
    const r = runSeed(seed, { steps: args.steps, trace: args.trace ? (l) => console.log(l) : undefined });
    if (r.ok) passed++;
    else {
      failed++;
      console.log(describeFailure(r, args.steps));
    }
    if (args.trace) console.log(`seed ${seed}: ${r.ok ? 'ok' : 'FAILED'} ${JSON.stringify(r.stats)}`);
  }
  console.log(`groups sim: ${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}

if (require.main === module) main();
