// The Raft simulator's command line:
//   node dist/test/raft/sim/cli.js --seeds A..B [--nodes 3|5] [--steps N] [--trace]
// Runs each seed, prints every failure with the one command that reproduces it, and ends with
// `sim: N passed, N failed` (exit code 1 if any failed).
import { runSeed, type SimResult } from './simulation';
import { parseSimArgs } from '../../sim-seeds';

export interface SimArgs {
  readonly from: number;
  readonly to: number;
  readonly nodes: number;
  readonly steps: number;
  readonly trace: boolean;
}

export const DEFAULT_STEPS = 300;

export function parseArgs(argv: readonly string[]): SimArgs {
  const { from, to, steps, trace, extra } = parseSimArgs(argv, DEFAULT_STEPS, '--seeds A..B [--nodes 3|5] [--steps N] [--trace]', ['nodes']);
  const nodes = Number(extra.nodes ?? 3);
  if (!(nodes >= 1 && nodes <= 9)) throw new Error(`--nodes must be 1..9, got ${extra.nodes}`);
  return { from, to, nodes, steps, trace };
}

export function reproduceCommand(seed: number, nodes: number, steps: number): string {
  return `node dist/test/raft/sim/cli.js --seeds ${seed}..${seed} --nodes ${nodes} --steps ${steps} --trace`;
}

export function describeFailure(r: SimResult, nodes: number, steps: number): string {
  return `seed ${r.seed} FAILED at step ${r.step}: ${r.error}\n  reproduce: ${reproduceCommand(r.seed, nodes, steps)}`;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  let passed = 0;
  let failed = 0;
  for (let seed = args.from; seed <= args.to; seed++) {
    const r = runSeed(seed, { nodes: args.nodes, steps: args.steps, trace: args.trace ? (l) => console.log(l) : undefined });
    if (r.ok) passed++;
    else {
      failed++;
      console.log(describeFailure(r, args.nodes, args.steps));
    }
    if (args.trace) console.log(`seed ${seed}: ${r.ok ? 'ok' : 'FAILED'} ${JSON.stringify(r.stats)}`);
  }
  console.log(`sim: ${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}

if (require.main === module) main();
