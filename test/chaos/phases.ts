// Availability and latency per phase of a chaos run (docs/chaos.md): a phase is a named span of
// time (a healthy pause, a nemesis and the wait for leaders after it); each acknowledgement falls
// in the phase its acknowledgement time is in. A fault that keeps a partition unwritable shows as
// that phase's longest gap without an acknowledgement on some partition.
import type { History } from './history';

export interface Phase {
  readonly name: string;
  /** [startMs, endMs), epoch ms (performance.timeOrigin + performance.now(), as History records). */
  readonly startMs: number;
  readonly endMs: number;
}

export interface PhaseReport {
  readonly phase: string;
  readonly durationMs: number;
  readonly acknowledged: number;
  /** The longest time within the phase without an acknowledgement on one partition (a partition with none: the whole phase). */
  readonly longestGapMs: number;
  readonly longestGapPartition: number;
  /** Latency (produce() to acknowledgement) of the phase's acknowledgements, ms. */
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export function phaseReports(histories: readonly History[], phases: readonly Phase[], partitions: number): PhaseReport[] {
  const acks = phases.map(() => ({ latencies: [] as number[], times: new Map<number, number[]>() }));
  const phaseOf = (ms: number): number => phases.findIndex((p) => p.startMs <= ms && ms < p.endMs);
  for (const history of histories) {
    history.forEachAcknowledged((partition, invokedMs, acknowledgedMs) => {
      const index = phaseOf(acknowledgedMs);
      if (index < 0) return;
      acks[index]!.latencies.push(acknowledgedMs - invokedMs);
      const times = acks[index]!.times.get(partition) ?? [];
      times.push(acknowledgedMs);
      acks[index]!.times.set(partition, times);
    });
  }
  return phases.map((phase, i) => {
    const { latencies, times } = acks[i]!;
    let longestGapMs = 0;
    let longestGapPartition = 0;
    for (let partition = 0; partition < partitions; partition++) {
      const sorted = [phase.startMs, ...(times.get(partition) ?? []).sort((a, b) => a - b), phase.endMs];
      for (let j = 1; j < sorted.length; j++) {
        if (sorted[j]! - sorted[j - 1]! > longestGapMs) {
          longestGapMs = sorted[j]! - sorted[j - 1]!;
          longestGapPartition = partition;
        }
      }
    }
    latencies.sort((a, b) => a - b);
    const percentile = (p: number): number => (latencies.length === 0 ? 0 : Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!));
    return {
      phase: phase.name, durationMs: Math.round(phase.endMs - phase.startMs), acknowledged: latencies.length,
      longestGapMs: Math.round(longestGapMs), longestGapPartition, p50Ms: percentile(50), p99Ms: percentile(99),
    };
  });
}
