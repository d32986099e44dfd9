// The command line the seeded simulators share (test/raft/sim, test/consumer-groups/sim):
// `--seeds A..B` (or one seed), `--steps N`, `--trace`, plus options of their own.
import { parseArgs } from 'node:util';

export function parseSeedRange(text: string): { from: number; to: number } {
  const m = /^(\d+)(?:\.\.(\d+))?$/.exec(text);
  if (!m) throw new Error(`--seeds takes A..B (or a single seed), e.g. --seeds 1..500, not '${text}'`);
  return { from: Number(m[1]), to: Number(m[2] ?? m[1]) };
}

export interface SimOptions {
  readonly from: number;
  readonly to: number;
  readonly steps: number;
  readonly trace: boolean;
  /** The simulator's own options, as strings (e.g. --nodes). */
  readonly extra: Readonly<Record<string, string | undefined>>;
}

/** Parses the shared options and `extra` ones that take a value; `usage` ends every error. */
export function parseSimArgs(argv: readonly string[], defaultSteps: number, usage: string, extra: readonly string[] = []): SimOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        seeds: { type: 'string', default: '1..100' },
        steps: { type: 'string', default: String(defaultSteps) },
        trace: { type: 'boolean', default: false },
        ...Object.fromEntries(extra.map((name) => [name, { type: 'string' as const }])),
      },
    });
  } catch (error) {
    throw new Error(`${(error as Error).message}: use ${usage}`);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const steps = Number(values.steps);
  if (!Number.isInteger(steps) || steps <= 0) throw new Error(`--steps must be a positive integer, got ${String(values.steps)}`);
  return {
    ...parseSeedRange(values.seeds as string),
    steps,
    trace: values.trace === true,
    extra: Object.fromEntries(extra.map((name) => [name, values[name] as string | undefined])),
  };
}
