// The random-fault run of issue 27 as a command (docs/chaos.md): a 3-broker cluster of real
// processes, a topic with several partitions RF 3, two idempotent acks=all producers (one with
// the default settings, one with a short deliveryTimeoutMs) writing unique keyless values, and
// random faults for --duration-s (kill -9 of one or two brokers, SIGSTOP of a partition's leader,
// kill -9 of all three). Then it flushes, reads every partition from offset 0, checks each
// producer's history against the log (test/chaos/checker.ts), prints a summary and one JSON line,
// and exits 1 on any broken promise.
// Run: make build && node dist/scripts/chaos-run.js [--duration-s 480] [--seed N] [--partitions 4] [--rate 1000]
import './chaos-log-level';
import { parseArgs } from 'node:util';
import { SluiceClient, type Producer } from '../src/client';
import { createTopic, sleep, startCluster, type ClusterHarness } from '../test/integration/cluster-harness';
import { summary, violations, type CheckResult } from '../test/chaos/checker';
import { bootstrapOf, checkTopic, closeWithin, flushWithin, PacedProducer } from '../test/chaos/fault-run';
import { FaultInjector, seededRandom, type FaultKind } from '../test/chaos/faults';
import { History } from '../test/chaos/history';

const TOPIC = 'chaos';
const SHORT_DELIVERY_TIMEOUT_MS = 5000;
/** Fault hold and healthy pause between faults, ms. */
const HOLD_MS: [number, number] = [2000, 8000];
const HEALTHY_MS: [number, number] = [3000, 8000];
/** Longer than the default producer's delivery timeout (120 s), so its flush ends in any case. */
const FLUSH_TIMEOUT_MS = 150_000;

const USAGE = 'usage: node dist/scripts/chaos-run.js [--duration-s 480] [--seed N] [--partitions 4] [--rate 1000]';

interface Options { durationS: number; seed: number; partitions: number; rate: number }

function options(): Options {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      options: { 'duration-s': { type: 'string' }, seed: { type: 'string' }, partitions: { type: 'string' }, rate: { type: 'string' } },
      strict: true,
    }) as { values: Record<string, string | undefined> });
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${USAGE}`);
  }
  const number = (name: string, fallback: number, min: number): number => {
    const text = values[name];
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be an integer >= ${min}, got '${text}'\n${USAGE}`);
    return value;
  };
  return {
    durationS: number('duration-s', 480, 1),
    seed: number('seed', Date.now() % 2 ** 31, 0),
    partitions: number('partitions', 4, 1),
    rate: number('rate', 1000, 1),
  };
}

const started = performance.now();
const stamp = (): string => `[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s]`;

async function connected(client: SluiceClient, deliveryTimeoutMs?: number): Promise<Producer> {
  const producer = client.producer(deliveryTimeoutMs === undefined ? { acks: 'all' } : { acks: 'all', deliveryTimeoutMs });
  await producer.connect();
  return producer;
}

async function run(opts: Options): Promise<{ result: CheckResult; faults: Record<FaultKind, number>; notes: string[] }> {
  const cluster: ClusterHarness = await startCluster(3);
  const random = seededRandom(opts.seed);
  const faults = { 'kill-one': 0, 'kill-two': 0, 'pause-leader': 0, 'restart-all': 0 };
  const notes: string[] = [];
  const injector = new FaultInjector(cluster, TOPIC, opts.partitions, random);
  // One client per producer: neither waits behind the other's connections or metadata.
  const clients = [new SluiceClient({ brokers: bootstrapOf(cluster) }), new SluiceClient({ brokers: bootstrapOf(cluster) })];
  try {
    await createTopic(cluster, TOPIC, opts.partitions, 3);
    const producers = [await connected(clients[0]!), await connected(clients[1]!, SHORT_DELIVERY_TIMEOUT_MS)];
    const histories = [new History('default'), new History('short_timeout')];
    const paced = producers.map((producer, i) => new PacedProducer(producer, TOPIC, histories[i]!, opts.rate));
    const acks = (): string => histories.map((h) => `${h.name} ${h.acknowledgements}`).join(', ');
    console.log(`${stamp()} cluster up in ${cluster.dir}; topic ${TOPIC} (${opts.partitions} partitions, RF 3); producing ${opts.rate} records/s per producer`);
    for (const p of paced) p.start();
    const endAt = performance.now() + opts.durationS * 1000;
    try {
      while (performance.now() < endAt) {
        await sleep(Math.round(HEALTHY_MS[0] + random() * (HEALTHY_MS[1] - HEALTHY_MS[0])));
        if (performance.now() >= endAt) break;
        const fault = await injector.pick(...HOLD_MS);
        console.log(`${stamp()} ${fault.kind} broker(s) ${fault.brokers.join(',')}${fault.partition === undefined ? '' : ` (leader of partition ${fault.partition})`} for ${(fault.holdMs / 1000).toFixed(1)} s; acks so far: ${acks()}`);
        await injector.inflict(fault);
        faults[fault.kind]++;
        if (!(await injector.recovered(60_000))) notes.push(`${stamp()} some partition had no leader 60 s after ${fault.kind}`);
      }
    } finally {
      for (const p of paced) p.stop();
      injector.resume();
    }
    console.log(`${stamp()} faults done (${JSON.stringify(faults)}); flushing; acks so far: ${acks()}`);
    if (!(await injector.recovered(60_000))) notes.push('some partition had no leader 60 s after the last fault');
    const flushed = await Promise.all(producers.map((p) => flushWithin(p, FLUSH_TIMEOUT_MS)));
    flushed.forEach((ok, i) => { if (!ok) notes.push(`${histories[i]!.name}: the flush did not finish within ${FLUSH_TIMEOUT_MS} ms`); });
    console.log(`${stamp()} reading ${opts.partitions} partitions from offset 0`);
    return { result: await checkTopic(cluster, TOPIC, opts.partitions, histories), faults, notes };
  } finally {
    injector.resume();
    for (const client of clients) await closeWithin(() => client.close(), 5000);
    await cluster.close();
  }
}

function report(opts: Options, outcome: Awaited<ReturnType<typeof run>>): boolean {
  const { result, faults, notes } = outcome;
  const broken = [...notes, ...violations(result)];
  console.log('');
  console.log('producer        acknowledged  lost  misplaced  duplicated  failedButStored  failedNotStored  unknownStored  unknownAbsent  longestAckGapMs');
  for (const p of result.producers) {
    console.log([
      p.producer.padEnd(14), String(p.acknowledged).padStart(12), String(p.lost).padStart(5), String(p.misplaced).padStart(10),
      String(p.duplicated).padStart(11), String(p.failedButStored).padStart(16), String(p.failedNotStored).padStart(16),
      String(p.unknownStored).padStart(14), String(p.unknownAbsent).padStart(14), String(p.longestAckGapMs).padStart(16),
    ].join(' '));
  }
  for (const p of result.producers) {
    for (const [kind, count] of Object.entries(p.failureKinds)) console.log(`  ${p.producer} failed ${count}x: ${kind}`);
  }
  console.log(broken.length === 0 ? 'chaos-run: every promise kept' : `chaos-run: BROKEN PROMISES\n${broken.join('\n')}`);
  console.log(JSON.stringify({ seed: opts.seed, durationS: opts.durationS, partitions: opts.partitions, ratePerProducer: opts.rate, faults, ...summary(result), violations: broken.length }));
  return broken.length === 0;
}

async function main(): Promise<void> {
  let opts: Options;
  try {
    opts = options();
  } catch (error) {
    console.error(`chaos-run: ${(error as Error).message}`);
    process.exit(2);
  }
  console.log(`chaos-run: seed ${opts.seed}, ${opts.durationS} s (repeat with --seed ${opts.seed})`);
  const ok = report(opts, await run(opts));
  process.exit(ok ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error(`chaos-run failed: ${(error as Error).stack ?? error}`);
  process.exit(3);
});
