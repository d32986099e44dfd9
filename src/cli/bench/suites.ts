// The standard runs: `bench suite` (Sluice alone) and `bench compare` (Sluice beside its peers).
// Pure definitions; the runner executes them.
import type { WorkloadSpec } from './result';

export const DEFAULT_SPEC: WorkloadSpec = {
  workload: 'produce',
  recordBytes: 100,
  count: 1_000_000,
  durationMs: null,
  ratePerSecond: null,
  acks: 'all',
  partitions: 1,
  keyDistribution: 'none',
  producers: 1,
  consumers: 1,
  batchMaxBytes: 1_048_576,
  lingerMs: 5,
  maxInFlight: 20_000,
  // 20,000 records of 100 B: 1 KB records get 2,000, so every row holds the same bytes unacknowledged.
  maxInFlightBytes: 2_000_000,
  warmupMs: 0,
};

/** A step of a suite. `rate` may depend on the max throughput measured by an earlier step. */
export interface SuiteStep {
  readonly name: string;
  readonly spec: WorkloadSpec;
  /** Consume steps read the topic written by this earlier step. */
  readonly readsTopicOf?: string;
  /** Paced at this fraction of the records/s measured by the named step (overrides spec rate). */
  readonly rateFractionOf?: { readonly step: string; readonly fraction: number };
}

export interface SuiteScale {
  /** Multiplies record counts (1 = the documented sizes). */
  readonly countScale: number;
  /** Length of each paced end-to-end run (measured part). */
  readonly endToEndSeconds: number;
  /** Paced end-to-end runs send at their rate for this long before measuring (default 0). */
  readonly warmupSeconds?: number;
}

const scaled = (count: number, scale: SuiteScale): number => Math.max(1000, Math.round(count * scale.countScale));

/** `bench suite`: produce 1M × 100 B acks=all, consume them all, end-to-end at 10k/s with 1 KB records. */
export function standardSuite(base: WorkloadSpec, scale: SuiteScale): SuiteStep[] {
  return [
    { name: 'produce-100B', spec: { ...base, workload: 'produce', recordBytes: 100, count: scaled(1_000_000, scale), ratePerSecond: null } },
    { name: 'consume-100B', spec: { ...base, workload: 'consume', recordBytes: 100, count: scaled(1_000_000, scale), ratePerSecond: null }, readsTopicOf: 'produce-100B' },
    { name: 'e2e-10k/s-1KB', spec: { ...base, workload: 'end-to-end', recordBytes: 1024, count: 10_000 * scale.endToEndSeconds, ratePerSecond: 10_000 } },
  ];
}

/** `bench compare`: the same steps for every system, the 50% step relative to each system's own max. */
export function compareSuite(base: WorkloadSpec, scale: SuiteScale): SuiteStep[] {
  const e2eCount = (rate: number): number => Math.round(rate * scale.endToEndSeconds);
  const warmupMs = (scale.warmupSeconds ?? 0) * 1000;
  return [
    { name: 'produce-100B', spec: { ...base, workload: 'produce', recordBytes: 100, count: scaled(1_000_000, scale), ratePerSecond: null } },
    { name: 'consume-100B', spec: { ...base, workload: 'consume', recordBytes: 100, count: scaled(1_000_000, scale), ratePerSecond: null }, readsTopicOf: 'produce-100B' },
    { name: 'e2e-10k/s-100B', spec: { ...base, workload: 'end-to-end', recordBytes: 100, count: e2eCount(10_000), ratePerSecond: 10_000, warmupMs } },
    {
      name: 'e2e-50%max-100B',
      spec: { ...base, workload: 'end-to-end', recordBytes: 100, count: null, ratePerSecond: null, warmupMs },
      rateFractionOf: { step: 'produce-100B', fraction: 0.5 },
    },
    { name: 'produce-1KB', spec: { ...base, workload: 'produce', recordBytes: 1024, count: scaled(250_000, scale), ratePerSecond: null } },
    { name: 'consume-1KB', spec: { ...base, workload: 'consume', recordBytes: 1024, count: scaled(250_000, scale), ratePerSecond: null }, readsTopicOf: 'produce-1KB' },
  ];
}

/** Resolves a step's rate-dependent fields once the earlier results are known. */
export function resolveStep(step: SuiteStep, measuredRate: (stepName: string) => number | null, scale: SuiteScale): WorkloadSpec {
  if (!step.rateFractionOf) return step.spec;
  const max = measuredRate(step.rateFractionOf.step);
  const rate = Math.max(100, Math.round((max ?? 0) * step.rateFractionOf.fraction));
  return { ...step.spec, ratePerSecond: rate, count: Math.round(rate * scale.endToEndSeconds) };
}
