// What the broker may spend of its open-file limit (RLIMIT_NOFILE; Node raises the soft limit to
// the hard one at start, so the soft limit read here is the one that applies). Descriptors go to:
// each partition replica's active segment (one each, for good), a pool of closed segments' files
// (storage/descriptor-pool.ts), and a reserve for connections (one per client or peer), LMDB, the
// HTTP port and short-lived files (directory fsyncs, snapshots). A partition bomb took the broker
// past its limit: EMFILE, then no new connection, no /healthz, and no restart. (docs/storage.md,
// "Descriptors and partition limits".)
import { readFileSync } from 'node:fs';
import type { BrokerLimits } from './config';

/** Assumed when the limit cannot be read (not Linux): a common soft limit after Node raised it. */
export const ASSUMED_OPEN_FILE_LIMIT = 4096;
/** The metadata log's own replica, which the metadata does not count as a topic's. */
const METADATA_LOG_REPLICAS = 1;

export interface DescriptorBudget {
  /** The soft RLIMIT_NOFILE read at start; undefined when it could not be read. */
  readonly openFileLimit: number | undefined;
  /** Kept for connections, LMDB and short-lived files. */
  readonly reserved: number;
  /** Size of the pool of closed segments' descriptors. */
  readonly segmentFilePool: number;
  /** Most partition replicas this broker takes (checked before a topic is registered). */
  readonly partitionReplicas: number;
  /** Whether the limits set in the config ask for more descriptors than the open-file limit has. */
  readonly overcommitted: boolean;
}

/**
 * The soft "Max open files" of /proc/self/limits ("unlimited" reads as 2^20); undefined when
 * the file is absent or unreadable.
 */
export function readOpenFileLimit(read: () => string = () => readFileSync('/proc/self/limits', 'utf8')): number | undefined {
  let text: string;
  try {
    text = read();
  } catch {
    return undefined;
  }
  const match = /^Max open files\s+(\S+)/m.exec(text);
  if (match === null) return undefined;
  if (match[1] === 'unlimited') return 2 ** 20;
  const value = Number(match[1]);
  return Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

const clamp = (value: number, lo: number, hi: number): number => Math.min(Math.max(Math.floor(value), lo), hi);

/**
 * The budgets for an open-file limit: a quarter kept in reserve (64..4096), an eighth for the
 * pool (16..4096), the rest for partition replicas (at least 1). A limit set in `limits` (not 0)
 * is taken as given. With 1024: 256 reserved, 128 pooled, 639 replicas (one goes to the metadata
 * log); with 256: 64, 32, 159.
 */
export function deriveDescriptorBudget(openFileLimit: number | undefined, limits: Pick<BrokerLimits, 'maxPartitionReplicas' | 'maxOpenSegmentFiles'>): DescriptorBudget {
  const total = openFileLimit ?? ASSUMED_OPEN_FILE_LIMIT;
  const reserved = clamp(total / 4, 64, 4096);
  const segmentFilePool = limits.maxOpenSegmentFiles > 0 ? limits.maxOpenSegmentFiles : clamp(total / 8, 16, 4096);
  const partitionReplicas = limits.maxPartitionReplicas > 0 ? limits.maxPartitionReplicas : Math.max(1, total - reserved - segmentFilePool - METADATA_LOG_REPLICAS);
  const overcommitted = reserved + segmentFilePool + partitionReplicas + METADATA_LOG_REPLICAS > total;
  return { openFileLimit, reserved, segmentFilePool, partitionReplicas, overcommitted };
}

/** One line for the start-up log. */
export function describeBudget(b: DescriptorBudget): string {
  const limit = b.openFileLimit === undefined ? `an assumed open-file limit of ${ASSUMED_OPEN_FILE_LIMIT} (RLIMIT_NOFILE unreadable)` : `the open-file limit of ${b.openFileLimit}`;
  const warning = b.overcommitted ? '; WARNING: the configured limits ask for more descriptors than that: raise ulimit -n or lower limits.maxPartitionReplicas / limits.maxOpenSegmentFiles' : '';
  return `descriptors: of ${limit}, at most ${b.partitionReplicas} partition replicas (limits.maxPartitionReplicas), ${b.segmentFilePool} open closed-segment files (limits.maxOpenSegmentFiles), ${b.reserved} kept for connections, LMDB and short-lived files${warning}`;
}
