// Messages between the bench's main thread and its producer/consumer worker threads.
// Times are process.hrtime.bigint() values at this boundary (one monotonic clock shared by all threads); workers use them as plain numbers of ns.
import type { DriverConfig } from './drivers/types';
import type { WorkloadSpec } from './result';

export interface WorkerInit {
  readonly role: 'producer' | 'consumer';
  readonly index: number;
  readonly driver: DriverConfig;
  readonly spec: WorkloadSpec;
  readonly topic: string;
  /** Consumers: partitions to read. Producers: ignored (keys pick the partition). */
  readonly partitions: readonly number[];
  /** Producers: records this producer sends (Infinity when the run is bounded by duration). */
  readonly records: number;
  readonly seed: number;
  readonly reportIntervalMs: number;
}

export type MainToWorker =
  | { readonly type: 'start'; readonly startNs: bigint }
  | { readonly type: 'stop' };

export type WorkerToMain =
  | { readonly type: 'ready' }
  /** Counts since the previous report, and the latencies recorded in that interval. */
  | { readonly type: 'report'; readonly records: number; readonly bytes: number; readonly errors: number; readonly histogram: string | null }
  | {
      readonly type: 'done';
      /** Producers: acknowledged records per partition. Consumers: received per partition. */
      readonly perPartition: Record<number, number>;
      readonly lastEventNs: bigint;
      readonly firstError: string | null;
    }
  | { readonly type: 'failed'; readonly error: string };

/** Records a producer sends out of `total` when `producers` share the work. */
export function shareOf(total: number, producers: number, index: number): number {
  if (!Number.isFinite(total)) return Infinity;
  return Math.floor(total / producers) + (index < total % producers ? 1 : 0);
}

/** Partitions read by consumer `index` of `consumers`: p where p % consumers == index. */
export function partitionsOf(partitions: number, consumers: number, index: number): number[] {
  const owned: number[] = [];
  for (let p = index; p < partitions; p += consumers) owned.push(p);
  return owned;
}

/** Record layout: bytes [0, 8) hold the send timestamp (ns, big-endian), the rest is filler. */
export const TIMESTAMP_BYTES = 8;

const TWO_32 = 2 ** 32;

/**
 * Monotonic time in ns as a plain number. A double holds it exactly for 104 days of uptime and
 * to within a few ns after that; plain numbers keep the per-record path free of BigInts (the
 * bench's own garbage competes for the cores with the system under test).
 */
export const monotonicNs = (): number => Number(process.hrtime.bigint());

export function stampRecord(value: Buffer, sentNs: number): void {
  value.writeUInt32BE(Math.floor(sentNs / TWO_32), 0);
  value.writeUInt32BE(sentNs % TWO_32 >>> 0, 4);
}

export function readStamp(value: Uint8Array): number {
  const hi = ((value[0]! << 24) | (value[1]! << 16) | (value[2]! << 8) | value[3]!) >>> 0;
  const lo = ((value[4]! << 24) | (value[5]! << 16) | (value[6]! << 8) | value[7]!) >>> 0;
  return hi * TWO_32 + lo;
}
