// The shape of benchmark results: what `--json FILE` writes and what the charts and tables read.
// Bump REPORT_SCHEMA_VERSION on any incompatible change.
import * as os from 'node:os';
import type { KeyDistribution } from './keys';
import type { LatencySummary, PercentilePoint } from './latency';
import type { CompressionName } from '../../protocol/compression';

export const REPORT_SCHEMA_VERSION = 1;

export type WorkloadKind = 'produce' | 'consume' | 'end-to-end';
export type Acks = 'all' | 'leader' | 'none';

/** Everything that defines one run; identical specs run against different systems compare. */
export interface WorkloadSpec {
  readonly workload: WorkloadKind;
  readonly recordBytes: number;
  /** Records to send (produce, end-to-end) or to read (consume); null when bounded by duration. */
  readonly count: number | null;
  /** Run length when count is null. */
  readonly durationMs: number | null;
  /** Target total records/s across all producers; null = as fast as possible. */
  readonly ratePerSecond: number | null;
  readonly acks: Acks;
  readonly partitions: number;
  readonly keyDistribution: KeyDistribution;
  readonly producers: number;
  readonly consumers: number;
  readonly batchMaxBytes: number;
  readonly lingerMs: number;
  /** Unacknowledged records one producer may keep outstanding (paced or not). */
  readonly maxInFlight: number;
  /**
   * Unacknowledged bytes one producer may keep outstanding (Kafka's `buffer.memory`): with large
   * records this, not maxInFlight, bounds the window. Absent in reports written before it existed.
   */
  readonly maxInFlightBytes?: number;
  /** Sluice's producer buffer limit (bytes); absent: the client's default (32 MiB). */
  readonly bufferMemory?: number;
  /** Sluice's batch codec; absent: none. */
  readonly compression?: CompressionName;
  /**
   * Paced runs: records are sent at the target rate for this long before measuring starts, and
   * neither counted nor timed (clients and servers reach steady state: JIT, connections, caches).
   */
  readonly warmupMs: number;
}

/** The records one producer may have unacknowledged: the record window, or fewer if the byte window is smaller. */
export function recordWindow(spec: Pick<WorkloadSpec, 'maxInFlight' | 'maxInFlightBytes' | 'recordBytes'>): number {
  const byBytes = spec.maxInFlightBytes === undefined ? Infinity : Math.floor(spec.maxInFlightBytes / spec.recordBytes);
  return Math.max(1, Math.min(spec.maxInFlight, byBytes));
}

export interface TimelinePoint {
  /** Milliseconds since the run started (end of the sampling interval). */
  readonly tMs: number;
  readonly recordsPerSec: number;
  readonly mbPerSec: number;
}

export interface LatencyResult {
  /** ack: produce call to acknowledgement; end-to-end: send to receipt by a consumer. */
  readonly kind: 'ack' | 'end-to-end';
  /** intended-send for paced runs (coordinated-omission-free), actual-send otherwise. */
  readonly measuredFrom: 'intended-send' | 'actual-send';
  readonly summary: LatencySummary;
  readonly percentiles: readonly PercentilePoint[];
}

export interface RunResult {
  /** Label of the system under test, e.g. "sluice", "redis (appendfsync always)". */
  readonly system: string;
  /** Durability of an acknowledged write on that system, in words. */
  readonly durability: string;
  /** Short name of the run within a suite, e.g. "produce-100B". */
  readonly name: string;
  readonly spec: WorkloadSpec;
  readonly startedAt: string;
  readonly elapsedMs: number;
  readonly records: number;
  readonly bytes: number;
  readonly recordsPerSec: number;
  readonly mbPerSec: number;
  readonly errors: number;
  /** Records sent but never seen by a consumer (end-to-end and consume only). */
  readonly missing: number;
  readonly latency: LatencyResult | null;
  /** end-to-end runs: the producers' ack latency in the same run (tells a slow write path from a slow read path). */
  readonly ackLatency: LatencyResult | null;
  readonly timeline: readonly TimelinePoint[];
  readonly notes: readonly string[];
}

export interface BenchReport {
  readonly schemaVersion: number;
  readonly tool: 'sluice-bench';
  readonly createdAt: string;
  readonly host: { readonly cpus: number; readonly cpuModel: string; readonly memoryGiB: number; readonly node: string; readonly platform: string };
  readonly results: readonly RunResult[];
}

export function buildReport(results: readonly RunResult[], now: Date = new Date()): BenchReport {
  const cpus = os.cpus();
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: 'sluice-bench',
    createdAt: now.toISOString(),
    host: {
      cpus: cpus.length,
      cpuModel: cpus[0]?.model ?? 'unknown',
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
    },
    results,
  };
}

/** Throughput figures from a count of records and bytes over an interval. */
export function rates(records: number, bytes: number, elapsedMs: number): { recordsPerSec: number; mbPerSec: number } {
  if (elapsedMs <= 0) return { recordsPerSec: 0, mbPerSec: 0 };
  return {
    recordsPerSec: Math.round((records * 1000) / elapsedMs),
    mbPerSec: Math.round(((bytes * 1000) / elapsedMs / 1_000_000) * 100) / 100,
  };
}

/**
 * Checks that a parsed JSON value has the report shape; returns the problems found (empty
 * when it is well-formed). Used by tests and by `bench chart` when it reads a saved file.
 */
export function reportProblems(value: unknown): string[] {
  const problems: string[] = [];
  const report = value as Partial<BenchReport> | null;
  if (typeof report !== 'object' || report === null) return ['report is not an object'];
  if (report.schemaVersion !== REPORT_SCHEMA_VERSION) problems.push(`schemaVersion is ${String(report.schemaVersion)}, expected ${REPORT_SCHEMA_VERSION}`);
  if (report.tool !== 'sluice-bench') problems.push('tool is not "sluice-bench"');
  if (!Array.isArray(report.results)) return [...problems, 'results is not an array'];
  report.results.forEach((r: Partial<RunResult>, i) => {
    for (const field of ['system', 'durability', 'name', 'startedAt'] as const) {
      if (typeof r[field] !== 'string') problems.push(`results[${i}].${field} is not a string`);
    }
    for (const field of ['elapsedMs', 'records', 'bytes', 'recordsPerSec', 'mbPerSec', 'errors', 'missing'] as const) {
      if (typeof r[field] !== 'number' || !Number.isFinite(r[field])) problems.push(`results[${i}].${field} is not a finite number`);
    }
    if (typeof r.spec !== 'object' || r.spec === null) problems.push(`results[${i}].spec is missing`);
    if (!Array.isArray(r.timeline)) problems.push(`results[${i}].timeline is not an array`);
    if (r.latency !== null && (typeof r.latency !== 'object' || typeof r.latency?.summary?.p99Ms !== 'number')) {
      problems.push(`results[${i}].latency has no summary.p99Ms`);
    }
  });
  return problems;
}
