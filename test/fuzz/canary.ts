// The canary: known record batches written with acks=all before the fuzzing, then read back
// after it (and after each restart) and compared byte for byte, each at the offset it was
// acknowledged at. Any difference is a canary loss: an acknowledged record the broker lost,
// moved or changed.
import type * as grpc from '@grpc/grpc-js';
import { brokerProtoRoot } from '../../src/protocol/proto-root';
import type { FuzzRandom } from './fuzz-random';
import { rawChannel, unaryCall } from './raw-grpc';

export interface CanaryBatch {
  readonly partition: number;
  readonly baseOffset: number;
  readonly recordCount: number;
  /** The RecordBatch exactly as produced (the broker stores and returns it verbatim). */
  readonly batch: Buffer;
}

export interface CanaryLoss {
  readonly partition: number;
  readonly offset: number;
  readonly problem: string;
}

const READ_TIMEOUT_MS = 5000;
const RETRY_FOR_MS = 30_000;

export function type(name: string) {
  return brokerProtoRoot().lookupType(name);
}

export function encode(name: string, value: object): Buffer {
  const t = type(name);
  return Buffer.from(t.encode(t.fromObject(value)).finish());
}

/** A channel per address, reused across calls; `close()` drops them. */
export class Channels {
  private readonly open = new Map<string, grpc.Client>();

  get(address: string): grpc.Client {
    let channel = this.open.get(address);
    if (!channel) this.open.set(address, (channel = rawChannel(address)));
    return channel;
  }

  close(): void {
    for (const channel of this.open.values()) channel.close();
    this.open.clear();
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Calls `path` on each address in turn until `accept` takes an answer (a leader answered),
 * retrying for RETRY_FOR_MS through elections and restarts. `accept` returns the value, or a
 * string saying why the answer is not one (reported when the retries run out).
 */
export async function untilAccepted<T>(channels: Channels, addresses: readonly string[], path: string, body: Buffer, accept: (answer: Buffer) => T | string): Promise<T> {
  const deadline = Date.now() + RETRY_FOR_MS;
  let last = 'no answer';
  for (;;) {
    for (const address of addresses) {
      const outcome = await unaryCall(channels.get(address), path, body, READ_TIMEOUT_MS);
      if (outcome.status !== 'OK' || !outcome.answer) {
        last = `${address}: ${outcome.status} ${outcome.details}`;
        continue;
      }
      const accepted = accept(outcome.answer);
      if (typeof accepted !== 'string') return accepted;
      last = `${address}: ${accepted}`;
    }
    if (Date.now() > deadline) throw new Error(`${path} got no usable answer within ${RETRY_FOR_MS} ms: ${last}`);
    await sleep(200);
  }
}

/** A RecordBatch of `count` records whose keys, values and headers hold every byte value. */
function canaryBatch(random: FuzzRandom, count: number): Buffer {
  const now = Date.now();
  const records = Array.from({ length: count }, (_, i) => ({
    key: random.chance(0.5) ? random.bytes(1 + random.int(32)) : undefined,
    value: random.bytes(random.int(2048)),
    headers: random.chance(0.3) ? [{ key: `h${i}`, value: random.bytes(8) }] : [],
    timestampDeltaMs: i,
  }));
  return encode('sluice.v1.RecordBatch', { baseTimestampMs: now, maxTimestampMs: now + count, records });
}

/** Writes `batchesPerPartition` batches to each partition of `topic` with acks=all; returns what was acknowledged where. */
export async function writeCanary(channels: Channels, addresses: readonly string[], topic: string, partitions: number, batchesPerPartition: number, random: FuzzRandom): Promise<CanaryBatch[]> {
  const written: CanaryBatch[] = [];
  const responseType = type('sluice.v1.ProduceResponse');
  for (let partition = 0; partition < partitions; partition++) {
    for (let b = 0; b < batchesPerPartition; b++) {
      const recordCount = 1 + random.int(5);
      const batch = canaryBatch(random, recordCount);
      const body = encode('sluice.v1.ProduceRequest', { acks: 0, timeoutMs: 10_000, partitions: [{ topic, partition, batch }] });
      const baseOffset = await untilAccepted(channels, addresses, '/sluice.v1.Data/Produce', body, (answer) => {
        const result = (responseType.decode(answer) as unknown as { partitions: { errorCode: number; baseOffset: number; errorMessage: string }[] }).partitions[0];
        return result && result.errorCode === 0 ? Number(result.baseOffset) : `error code ${result?.errorCode}: ${result?.errorMessage}`;
      });
      written.push({ partition, baseOffset, recordCount, batch });
    }
  }
  return written;
}

interface FetchedPartition {
  errorCode: number;
  errorMessage: string;
  highWatermark: number;
  batches: { baseOffset: number; recordCount: number; batch: Uint8Array }[];
}

/** Reads every canary batch back and lists each one missing, moved or changed. */
export async function checkCanary(channels: Channels, addresses: readonly string[], topic: string, canary: readonly CanaryBatch[]): Promise<CanaryLoss[]> {
  const losses: CanaryLoss[] = [];
  const responseType = type('sluice.v1.FetchResponse');
  const partitions = [...new Set(canary.map((c) => c.partition))];
  for (const partition of partitions) {
    const expected = canary.filter((c) => c.partition === partition);
    const end = Math.max(...expected.map((c) => c.baseOffset + c.recordCount));
    const found = new Map<number, Buffer>();
    let offset = 0;
    try {
      while (offset < end) {
        const body = encode('sluice.v1.FetchRequest', { partitions: [{ topic, partition, offset, maxBytes: 1 << 20 }], maxBytes: 1 << 20, maxWaitMs: 0 });
        const fetched = await untilAccepted(channels, addresses, '/sluice.v1.Data/Fetch', body, (answer) => {
          const result = (responseType.decode(answer) as unknown as { partitions: FetchedPartition[] }).partitions[0];
          return result && result.errorCode === 0 ? result : `error code ${result?.errorCode}: ${result?.errorMessage}`;
        });
        if (fetched.batches.length === 0) break; // nothing more below the high watermark
        for (const b of fetched.batches) found.set(Number(b.baseOffset), Buffer.from(b.batch));
        const last = fetched.batches[fetched.batches.length - 1]!;
        offset = Number(last.baseOffset) + last.recordCount;
      }
    } catch (error) {
      losses.push({ partition, offset, problem: `cannot read: ${(error as Error).message}` });
      continue;
    }
    for (const c of expected) {
      const stored = found.get(c.baseOffset);
      if (!stored) losses.push({ partition, offset: c.baseOffset, problem: `no batch starts at offset ${c.baseOffset}` });
      else if (!stored.equals(c.batch)) losses.push({ partition, offset: c.baseOffset, problem: `batch differs: ${stored.length} bytes stored, ${c.batch.length} produced` });
    }
  }
  return losses;
}
