// Entry point of a bench worker thread: one producer or one consumer driving one system.
import { parentPort, workerData } from 'node:worker_threads';
import { randomFillSync } from 'node:crypto';
import { openDriver } from './drivers/open-driver';
import type { BenchDriver } from './drivers/types';
import { KeyChooser } from './keys';
import { encodeHistogram, newLatencyHistogram, recordLatencyNs } from './latency';
import { PacingSchedule, sendOnSchedule, sleepUntilNs } from './pacing';
import { recordWindow } from './result';
import { monotonicNs, readStamp, stampRecord, TIMESTAMP_BYTES, type MainToWorker, type WorkerInit, type WorkerToMain } from './worker-protocol';

const init = workerData as WorkerInit;
const port = parentPort!;
const post = (message: WorkerToMain): void => port.postMessage(message);
const now = monotonicNs;
const sleepMs = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let stopRequested = false;
let startResolve: (startNs: bigint) => void = () => undefined;
const started = new Promise<bigint>((resolve) => { startResolve = resolve; });
port.on('message', (message: MainToWorker) => {
  if (message.type === 'start') startResolve(message.startNs);
  else if (message.type === 'stop') stopRequested = true;
});

// Interval counters, reported and reset every reportIntervalMs.
let intervalRecords = 0;
let intervalBytes = 0;
let intervalErrors = 0;
const intervalHistogram = newLatencyHistogram();
function report(): void {
  const histogram = intervalHistogram.totalCount > 0 ? encodeHistogram(intervalHistogram) : null;
  intervalHistogram.reset();
  post({ type: 'report', records: intervalRecords, bytes: intervalBytes, errors: intervalErrors, histogram });
  intervalRecords = 0;
  intervalBytes = 0;
  intervalErrors = 0;
}

async function runProducer(driver: BenchDriver): Promise<void> {
  const { spec } = init;
  const producer = await driver.producer({ acks: spec.acks, lingerMs: spec.lingerMs, batchMaxBytes: spec.batchMaxBytes, bufferMemory: spec.bufferMemory, compression: spec.compression });
  const recordBytes = Math.max(spec.recordBytes, TIMESTAMP_BYTES);
  const window = recordWindow(spec);
  const filler = randomFillSync(Buffer.alloc(recordBytes));
  const chooser = new KeyChooser(spec.keyDistribution, spec.partitions, 1000, init.seed);
  const perPartition: Record<number, number> = {};
  let firstError: string | null = null;
  let lastAckNs = 0;
  let inFlight = 0;
  let slotFree: (() => void) | null = null;
  post({ type: 'ready' });
  const startNs = Number(await started);
  const timer = setInterval(report, init.reportIntervalMs);
  const paced = spec.ratePerSecond !== null;
  const ratePerProducer = paced ? spec.ratePerSecond! / spec.producers : 0;
  // Warm-up: the schedule starts warmupMs before startNs; what is due before startNs is sent
  // but neither counted nor timed (see WorkloadSpec.warmupMs).
  const warmupNs = paced ? spec.warmupMs * 1_000_000 : 0;
  const warmupRecords = Math.round((ratePerProducer * warmupNs) / 1e9);
  const toSend = warmupRecords + init.records;
  const schedule = paced ? new PacingSchedule(startNs - warmupNs, ratePerProducer, toSend) : null;
  const deadlineNs = spec.durationMs !== null ? startNs + spec.durationMs * 1_000_000 : null;
  await sleepUntilNs(startNs - warmupNs, now);

  const settled = (): void => {
    inFlight--;
    if (slotFree && inFlight < window) { const wake = slotFree; slotFree = null; wake(); }
  };
  const send = (intendedNs: number): void => {
    const value = Buffer.allocUnsafe(recordBytes);
    filler.copy(value);
    // Paced: timed from the intended send time (no coordinated omission); else from now.
    const timedFromNs = paced ? intendedNs : now();
    stampRecord(value, timedFromNs);
    const { key, partition } = chooser.choose();
    inFlight++;
    const measured = intendedNs >= startNs || !paced;
    producer.send(init.topic, partition, key, value, (error) => {
      if (error) {
        intervalErrors++;
        firstError ??= String((error as Error)?.message ?? error);
      } else if (measured) {
        const ackNs = now();
        lastAckNs = ackNs;
        recordLatencyNs(intervalHistogram, ackNs - timedFromNs);
        intervalRecords++;
        intervalBytes += recordBytes;
        perPartition[partition] = (perPartition[partition] ?? 0) + 1;
      }
      settled();
    });
  };

  const beforeDeadline = (): boolean => !stopRequested && (deadlineNs === null || now() < deadlineNs);
  const slot = (): Promise<void> => new Promise<void>((resolve) => { slotFree = resolve; });
  if (schedule) {
    const sender = { inFlight: () => inFlight, slotFreed: slot, send: (_index: number, intendedNs: number) => send(intendedNs), stopped: () => stopRequested };
    await sendOnSchedule(schedule, window, sender, now, beforeDeadline);
  } else {
    let sent = 0;
    while (sent < toSend && beforeDeadline()) {
      for (let i = 0; i < 256 && sent < init.records; i++) {
        if (inFlight >= window) await slot();
        send(0);
        sent++;
      }
      if (inFlight < window) await new Promise((resolve) => setImmediate(resolve));
    }
  }
  await producer.flush().catch((error: unknown) => { firstError ??= String(error); });
  while (inFlight > 0) await sleepMs(5);
  clearInterval(timer);
  report();
  await producer.close().catch(() => undefined);
  post({ type: 'done', perPartition, lastEventNs: BigInt(Math.round(lastAckNs)), firstError });
}

async function runConsumer(driver: BenchDriver): Promise<void> {
  const endToEnd = init.spec.workload === 'end-to-end';
  const consumer = await driver.consumer();
  const perPartition: Record<number, number> = {};
  let lastReceiveNs = 0;
  post({ type: 'ready' });
  const startNs = Number(await started);
  // Records stamped before startNs were sent during a paced run's warm-up: not counted.
  const skipWarmup = endToEnd && init.spec.ratePerSecond !== null && init.spec.warmupMs > 0;
  const timer = setInterval(report, init.reportIntervalMs);
  const starting = consumer.start(init.topic, init.partitions, (partition, values) => {
    const receivedNs = now();
    let counted = 0;
    for (const value of values) {
      const stamped = value.byteLength >= TIMESTAMP_BYTES;
      const sentNs = endToEnd && stamped ? readStamp(value) : 0;
      if (skipWarmup && stamped && sentNs < startNs) continue;
      counted++;
      intervalBytes += value.byteLength;
      if (endToEnd && stamped) recordLatencyNs(intervalHistogram, receivedNs - sentNs);
    }
    if (counted === 0) return;
    lastReceiveNs = receivedNs;
    intervalRecords += counted;
    perPartition[partition] = (perPartition[partition] ?? 0) + counted;
  });
  let startError: string | null = null;
  starting.catch((error: unknown) => { startError = String((error as Error)?.message ?? error); stopRequested = true; });
  while (!stopRequested) await sleepMs(10);
  await consumer.stop().catch(() => undefined);
  if (startError) throw new Error(`consumer could not start: ${startError}`);
  clearInterval(timer);
  report();
  post({ type: 'done', perPartition, lastEventNs: BigInt(Math.round(lastReceiveNs)), firstError: null });
}

async function main(): Promise<void> {
  const driver = await openDriver(init.driver);
  try {
    if (init.role === 'producer') await runProducer(driver);
    else await runConsumer(driver);
  } finally {
    await driver.close().catch(() => undefined);
  }
}

main().catch((error: unknown) => {
  // A failure the bench foresaw (a broker down, a bad topic) is one line; a bug keeps its stack.
  const bug = error instanceof TypeError || error instanceof RangeError || error instanceof ReferenceError;
  post({ type: 'failed', error: error instanceof Error ? (bug ? `${error.message}\n${error.stack ?? ''}` : error.message) : String(error) });
});
