// The consumer-group simulator's command line:
//   node dist/test/consumer-groups/sim/cli.js --seeds A..B [--steps N] [--trace]
// Runs each seed, prints every failure with the one command that reproduces it, and ends with
// `groups sim: N passed, N failed` (exit code 1 if any failed).
import { runSeed, type SimResult } from './simulation';
import { parseSeedRange } from '../../sim-seeds';

export const DEFAULT_STEPS = 300;

export function parseArgs(argv: readonly string[]): { from: number; to: number; steps: number; trace: boolean } {
  let from = 1;
  let to = 100;
  let steps = DEFAULT_STEPS;
  let trace = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--seeds') {
      ({ from, to } = parseSeedRange(value()));
    } else if (a === '--steps') {
      steps = Number(value());
      if (!Number.isInteger(steps) || steps <= 0) throw new Error(`--steps must be a positive integer, got ${steps}`);
    } else if (a === '--trace') trace = true;
    else throw new Error(`unknown option ${a}: use --seeds A..B [--steps N] [--trace]`);
  }
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
