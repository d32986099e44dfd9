// What the fault tests and scripts/chaos-run.ts share: a producer driven at a steady rate with
// every record in a History, waits on conditions with a deadline (a fault test reports what did
// not happen instead of hanging), and the final read-and-check of a topic.
import type { Producer } from '../../src/client';
import type { ClusterHarness } from '../integration/cluster-harness';
import { LogChecker, type CheckResult } from './checker';
import type { History } from './history';
import { readTopic } from './read-log';
import { until } from '../until';

/** How often the paced producer tops up to its rate (ms): small enough that batches stay small. */
const TICK_MS = 10;

/**
 * Produces unique values (the history's) to `topic` at `ratePerSecond` with
 * produce(topic, message, callback), keyless, until stop(). Behind schedule (a stalled event loop,
 * a full buffer) it catches up by at most one tenth of a second's records per tick.
 */
export class PacedProducer {
  private timer: NodeJS.Timeout | undefined;
  private startedMs = 0;

  constructor(
    private readonly producer: Producer,
    private readonly topic: string,
    readonly history: History,
    private readonly ratePerSecond: number,
  ) {
    if (!(ratePerSecond > 0)) throw new Error(`ratePerSecond must be a positive number of records per second, got ${ratePerSecond}`);
  }

  start(): void {
    this.startedMs = performance.now();
    const perTickCap = Math.max(1, Math.ceil(this.ratePerSecond / 10));
    this.timer = setInterval(() => {
      const due = Math.floor(((performance.now() - this.startedMs) / 1000) * this.ratePerSecond) - this.history.invocations;
      for (let i = 0; i < Math.min(due, perTickCap); i++) this.produceOne();
    }, TICK_MS);
  }

  /** Stops producing (records already produced are still in flight: flush them). */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private produceOne(): void {
    const { value, callback } = this.history.invoke();
    try {
      this.producer.produce(this.topic, { value }, callback);
    } catch (error) {
      callback(error as Error, undefined);
    }
  }
}

/** Whether `condition` comes to hold within `timeoutMs` (polled every 50 ms by test/until.ts). */
export function holdsWithin(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  return until(condition, 'a condition', { maxWaitMs: timeoutMs, intervalMs: 50 }).then(() => true, () => false);
}

/** Flushes, giving up after `timeoutMs` (the records still unsettled then count as pending). */
export async function flushWithin(producer: Producer, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const flushed = await Promise.race([
    producer.flush().then(() => true),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
  ]);
  clearTimeout(timer);
  return flushed;
}

/** Runs `close` but waits at most `timeoutMs` for it (a client closing against a dead cluster flushes for long). */
export async function closeWithin(close: () => Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([close().catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
  clearTimeout(timer);
}

/** Reads every partition of `topic` from offset 0 and checks it against the histories. */
export async function checkTopic(cluster: ClusterHarness, topic: string, partitions: number, histories: readonly History[]): Promise<CheckResult> {
  const checker = new LogChecker(histories);
  await readTopic(cluster, topic, partitions, checker);
  return checker.finish();
}

/** The addresses of all the cluster's brokers (the client's bootstrap list). */
export function bootstrapOf(cluster: ClusterHarness): string[] {
  return cluster.ids.map((id) => cluster.address(id));
}

/** The other replicas of a partition: every broker of a 3-broker RF 3 topic but `leader`. */
export function othersThan(cluster: ClusterHarness, leader: number): number[] {
  return cluster.ids.filter((id) => id !== leader);
}
