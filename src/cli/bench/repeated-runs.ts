// A paced end-to-end step is run several times and reported by its median run. On this
// 2-core machine one 20 s run's p50 moves by 2x from run to run of the same build (the same
// step of two `make bench-compare` runs an hour apart: 2.31 and 3.38 ms), more than the
// differences between the systems it is meant to show. Every system gets the same number of
// runs, each on a fresh topic; the row is the run whose end-to-end p50 is the median, whole
// (its p99 and throughput are that run's, not mixed from several), and its note lists every run.
import type { RunResult } from './result';

/** The run with the median end-to-end p50 (the lower middle one of an even count), noted with every run's p50 and p99. */
export function medianRun(runs: readonly RunResult[]): RunResult {
  if (runs.length === 0) throw new RangeError('medianRun needs at least one run');
  if (runs.length === 1) return runs[0]!;
  const p50 = (r: RunResult): number => r.latency?.summary.p50Ms ?? Infinity;
  const ranked = [...runs].sort((a, b) => p50(a) - p50(b));
  const chosen = ranked[Math.floor((ranked.length - 1) / 2)]!;
  const each = runs.map((r) => (r.latency ? `${r.latency.summary.p50Ms}/${r.latency.summary.p99Ms}` : 'not timed')).join(', ');
  return { ...chosen, notes: [...chosen.notes, `median of ${runs.length} runs by p50 (p50/p99 ms of each: ${each})`] };
}
