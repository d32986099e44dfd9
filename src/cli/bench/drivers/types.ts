// The one interface every system under test is driven through, so that Sluice and its peers
// run literally the same workload code. A driver lives inside one worker thread.
import type { Acks } from '../result';
import type { CompressionName } from '../../../protocol/compression';

/** How to reach a system; plain data so that it crosses into worker threads. */
export type DriverConfig =
  | {
      readonly system: 'sluice';
      readonly brokers: readonly string[];
      readonly replicationFactor: number;
      /** Configs of the topic the driver creates (e.g. flush.policy=interval); defaults when absent. */
      readonly topicConfigs?: Readonly<Record<string, string>>;
    }
  | PeerDriverConfig;

/**
 * A peer system of the comparison. Its driver is not part of Sluice (its client is a dev
 * dependency): it lives with the comparison in scripts/bench-compare/ and is loaded from
 * `driverModule`, which `--peer-drivers` sets (open-driver.ts).
 */
export type PeerDriverConfig =
  | { readonly system: 'nats'; readonly servers: readonly string[]; readonly replicas: number; readonly driverModule?: string }
  | { readonly system: 'redis'; readonly host: string; readonly port: number; readonly driverModule?: string };

/** What the module named by `driverModule` exports (scripts/bench-compare/peer-drivers.ts). */
export interface PeerDriverModule {
  openPeerDriver(config: PeerDriverConfig): Promise<BenchDriver>;
}

export interface ProducerTuning {
  readonly acks: Acks;
  readonly lingerMs: number;
  readonly batchMaxBytes: number;
  /** Sluice's producer buffer limit (its client's bufferMemory); the client's default when absent. Peers ignore it. */
  readonly bufferMemory?: number;
  /** Sluice's batch codec; peers ignore it. */
  readonly compression?: CompressionName;
}

export interface BenchDriver {
  /** Creates the topic (stream) with `partitions` partitions; succeeds if it already exists. */
  prepare(topic: string, partitions: number): Promise<void>;
  producer(tuning: ProducerTuning): Promise<BenchProducer>;
  consumer(): Promise<BenchConsumer>;
  close(): Promise<void>;
}

export interface BenchProducer {
  /**
   * Sends one record; calls `done` once, when the system acknowledges it (per the tuning's acks)
   * or with the error. Callers keep many sends outstanding; the driver may batch or pipeline them.
   * A callback, not a promise, so that a client with a callback form is measured through it.
   * The driver takes ownership of `value`: the caller never reuses the buffer.
   */
  send(topic: string, partition: number, key: string | null, value: Buffer, done: SendDone): void;
  /** Resolves when every send so far has been answered. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export type SendDone = (error: unknown) => void;

/** Called with record values of one partition, in offset order. Buffers are only valid during the call. */
export type BatchHandler = (partition: number, values: readonly Uint8Array[]) => void;

export interface BenchConsumer {
  /** Starts reading `partitions` of `topic` from their first record, delivering batches until stop(). */
  start(topic: string, partitions: readonly number[], onBatch: BatchHandler): Promise<void>;
  /** Stops reading; resolves once no more batches will be delivered. Safe to call twice. */
  stop(): Promise<void>;
}

/** Parses "host:port" (IPv4 or a name); throws with the accepted form. */
export function parseHostPort(text: string, defaultPort: number): { host: string; port: number } {
  const match = /^([^:]+)(?::(\d+))?$/.exec(text.trim());
  if (!match) throw new Error(`address '${text}' is invalid: use host or host:port`);
  const port = match[2] === undefined ? defaultPort : Number(match[2]);
  if (!(port > 0 && port < 65536)) throw new Error(`port in '${text}' is invalid: use 1-65535`);
  return { host: match[1]!, port };
}
