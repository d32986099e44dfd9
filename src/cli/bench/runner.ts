// Runs one workload against one system: spawns producer and consumer worker threads, merges
// their reports into throughput timelines and latency histograms, prints a live progress line
// on stderr and returns the run's result.
import { Worker } from 'node:worker_threads';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { openDriver } from './drivers/open-driver';
import type { DriverConfig } from './drivers/types';
import { newLatencyHistogram, decodeHistogram, percentileCurve, summarizeLatency } from './latency';
import { rates, type RunResult, type TimelinePoint, type WorkloadSpec } from './result';
import { formatProgressLine } from './table';
import { partitionsOf, shareOf, type MainToWorker, type WorkerInit, type WorkerToMain } from './worker-protocol';

export interface RunOptions {
  readonly driver: DriverConfig;
  readonly spec: WorkloadSpec;
  /** Label of the system in results ("sluice", "redis (appendfsync always)"). */
  readonly system: string;
  readonly durability: string;
  readonly name: string;
  /** Topic to use; a fresh one when absent. */
  readonly topic?: string;
  /** consume: records to read in total (the run ends when all arrived or the idle timeout hits). */
  readonly expectedRecords?: number;
  /** Stop waiting for consumers after this long without progress. */
  readonly idleTimeoutMs?: number;
  readonly progress?: boolean;
  readonly notes?: readonly string[];
}

export interface RunOutcome {
  readonly result: RunResult;
  readonly topic: string;
  /** produce: acknowledged records per partition. */
  readonly perPartition: Record<number, number>;
}

const REPORT_INTERVAL_MS = 200;
const TIMELINE_INTERVAL_MS = 1000;
const now = (): bigint => process.hrtime.bigint();
const sleepMs = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(message)), ms); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function freshTopicName(workload: string): string {
  return `bench-${workload}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

interface WorkerHandle {
  readonly worker: Worker;
  readonly role: 'producer' | 'consumer';
  ready: Promise<void>;
  done: Promise<Extract<WorkerToMain, { type: 'done' }>>;
}

export async function runWorkload(options: RunOptions): Promise<RunOutcome> {
  const { spec } = options;
  const topic = options.topic ?? freshTopicName(spec.workload);
  const idleTimeoutMs = options.idleTimeoutMs ?? 15_000;
  const needProducers = spec.workload !== 'consume';
  const needConsumers = spec.workload !== 'produce';
  const totalRecords = spec.count ?? Infinity;

  if (needProducers) {
    const driver = await openDriver(options.driver);
    try { await driver.prepare(topic, spec.partitions); } finally { await driver.close(); }
  }

  const measured = { records: 0, bytes: 0, errors: 0 };
  const role = needConsumers ? 'consumer' : 'producer';
  const latency = newLatencyHistogram();
  const ackLatency = newLatencyHistogram();
  let failure: string | null = null;
  const handles: WorkerHandle[] = [];
  const spawn = (init: WorkerInit): void => {
    const worker = new Worker(path.join(__dirname, 'worker.js'), { workerData: init });
    let readyResolve: () => void = () => undefined;
    let doneResolve: (m: Extract<WorkerToMain, { type: 'done' }>) => void = () => undefined;
    let doneReject: (e: Error) => void = () => undefined;
    const handle: WorkerHandle = {
      worker,
      role: init.role,
      ready: new Promise<void>((resolve) => { readyResolve = resolve; }),
      done: new Promise((resolve, reject) => { doneResolve = resolve; doneReject = reject; }),
    };
    worker.on('message', (message: WorkerToMain) => {
      if (message.type === 'ready') readyResolve();
      else if (message.type === 'done') doneResolve(message);
      else if (message.type === 'failed') { failure ??= `${init.role} ${init.index}: ${message.error}`; doneReject(new Error(message.error)); readyResolve(); }
      else if (message.type === 'report' && init.role === role) {
        measured.records += message.records;
        measured.bytes += message.bytes;
        measured.errors += message.errors;
        if (message.histogram) latency.add(decodeHistogram(message.histogram));
      } else if (message.type === 'report') {
        measured.errors += message.errors;
        if (message.histogram) ackLatency.add(decodeHistogram(message.histogram));
      }
    });
    worker.on('error', (error) => { failure ??= `${init.role} ${init.index}: ${error.message}`; doneReject(error); readyResolve(); });
    handle.done.catch(() => undefined);
    handles.push(handle);
  };

  const base = { driver: options.driver, spec, topic, seed: 0, reportIntervalMs: REPORT_INTERVAL_MS };
  if (needConsumers) {
    for (let i = 0; i < spec.consumers; i++) {
      spawn({ ...base, role: 'consumer', index: i, partitions: partitionsOf(spec.partitions, spec.consumers, i), records: 0, seed: 1000 + i });
    }
  }
  if (needProducers) {
    for (let i = 0; i < spec.producers; i++) {
      spawn({ ...base, role: 'producer', index: i, partitions: [], records: shareOf(totalRecords, spec.producers, i), seed: 1 + i });
    }
  }

  const timeline: TimelinePoint[] = [];
  const stopAll = (): void => handles.forEach((h) => h.worker.postMessage({ type: 'stop' } satisfies MainToWorker));
  try {
    await Promise.all(handles.map((h) => h.ready));
    if (failure) throw new Error(failure);
    // Measuring starts after a paced run's warm-up (the workers start sending warmupMs earlier).
    const warmupMs = spec.ratePerSecond !== null ? spec.warmupMs : 0;
    const startNs = now() + BigInt(50 + warmupMs) * 1_000_000n;
    const startedAt = new Date(Date.now() + 50 + warmupMs).toISOString();
    handles.forEach((h) => h.worker.postMessage({ type: 'start', startNs } satisfies MainToWorker));

    let lastSample = { tNs: startNs, records: 0, bytes: 0 };
    const isTty = process.stderr.isTTY === true;
    let lastPrintNs = 0n;
    const sampler = setInterval(() => {
      const tNs = now();
      if (tNs <= startNs) return;
      const dtMs = Number(tNs - lastSample.tNs) / 1e6;
      const r = rates(measured.records - lastSample.records, measured.bytes - lastSample.bytes, dtMs);
      timeline.push({ tMs: Math.round(Number(tNs - startNs) / 1e6), ...r });
      lastSample = { tNs, records: measured.records, bytes: measured.bytes };
      if (options.progress !== false && (isTty || tNs - lastPrintNs >= 5_000_000_000n)) {
        lastPrintNs = tNs;
        const line = formatProgressLine({
          label: `${options.system} ${options.name}`,
          elapsedMs: Number(tNs - startNs) / 1e6,
          records: measured.records,
          recordsPerSec: r.recordsPerSec,
          mbPerSec: r.mbPerSec,
          p99Ms: latency.totalCount > 0 ? latency.getValueAtPercentile(99) / 1000 : null,
        });
        process.stderr.write(isTty ? `\r\x1b[K${line}` : `${line}\n`);
      }
    }, TIMELINE_INTERVAL_MS);

    try {
      const producerDone = await Promise.all(handles.filter((h) => h.role === 'producer').map((h) => h.done));
      const perPartition: Record<number, number> = {};
      for (const d of producerDone) for (const [p, n] of Object.entries(d.perPartition)) perPartition[+p] = (perPartition[+p] ?? 0) + n;
      const acked = Object.values(perPartition).reduce((a, b) => a + b, 0);
      let expected = needProducers ? acked : (options.expectedRecords ?? totalRecords);
      if (needConsumers) {
        let lastProgress = { at: Date.now(), records: measured.records };
        while (measured.records < expected && failure === null) {
          await sleepMs(20);
          if (measured.records !== lastProgress.records) lastProgress = { at: Date.now(), records: measured.records };
          else if (Date.now() - lastProgress.at > idleTimeoutMs) break;
        }
      }
      stopAll();
      const done = await Promise.all(handles.map((h) => withTimeout(h.done, 15_000, `${h.role} did not stop within 15 s`)));
      if (!Number.isFinite(expected)) expected = measured.records;
      const endNs = done.filter((d, i) => handles[i]!.role === role).reduce((max, d) => (d.lastEventNs > max ? d.lastEventNs : max), startNs);
      const elapsedMs = Math.max(1, Number(endNs - startNs) / 1e6);
      const firstError = done.map((d) => d.firstError).find((e) => e !== null) ?? null;
      const { recordsPerSec, mbPerSec } = rates(measured.records, measured.bytes, elapsedMs);
      const paced = spec.ratePerSecond !== null;
      const result: RunResult = {
        system: options.system,
        durability: options.durability,
        name: options.name,
        spec,
        startedAt,
        elapsedMs: Math.round(elapsedMs),
        records: measured.records,
        bytes: measured.bytes,
        recordsPerSec,
        mbPerSec,
        errors: measured.errors,
        missing: needConsumers ? Math.max(0, expected - measured.records) : 0,
        latency: spec.workload === 'consume' ? null : {
          kind: spec.workload === 'end-to-end' ? 'end-to-end' : 'ack',
          measuredFrom: paced ? 'intended-send' : 'actual-send',
          summary: summarizeLatency(latency),
          percentiles: percentileCurve(latency),
        },
        ackLatency: spec.workload === 'end-to-end' ? {
          kind: 'ack',
          measuredFrom: paced ? 'intended-send' : 'actual-send',
          summary: summarizeLatency(ackLatency),
          percentiles: percentileCurve(ackLatency),
        } : null,
        timeline,
        notes: [...(options.notes ?? []), ...(firstError ? [`first error: ${firstError}`] : [])],
      };
      return { result, topic, perPartition };
    } finally {
      clearInterval(sampler);
      if (options.progress !== false && isTty) process.stderr.write('\n');
    }
  } catch (error) {
    throw new Error(`${options.system} ${options.name} failed: ${failure ?? (error as Error).message}`);
  } finally {
    stopAll();
    await Promise.all(handles.map((h) => Promise.race([h.done.catch(() => undefined), sleepMs(5000)])));
    await Promise.all(handles.map((h) => h.worker.terminate()));
  }
}
