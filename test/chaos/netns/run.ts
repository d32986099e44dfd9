// One chaos run on brokers in network namespaces (docs/chaos.md): builds the topology, starts the
// cluster, runs producers, a consumer and a consumer group's two members while the seeded
// schedule's nemeses strike, heals, flushes, reads every partition from offset 0 and checks
// producers' histories, consumers' reads and the group's commits against it. Used by
// scripts/chaos.ts (long runs) and the smoke test (network-smoke.test.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SluiceClient, type Consumer, type Producer } from '../../../src/client';
import { createTopic, sleep, startCluster, type ClusterHarness } from '../../integration/cluster-harness';
import { LogChecker, summary, violations } from '../checker';
import { checkConsumer, consumerViolations, ConsumerReads, FinalLog, type ConsumerReport } from '../consumer-reads';
import { bootstrapOf, closeWithin, flushWithin, PacedProducer } from '../fault-run';
import { FaultInjector, seededRandom } from '../faults';
import { History } from '../history';
import { phaseReports, type Phase, type PhaseReport } from '../phases';
import { readTopic } from '../read-log';
import { NemesisRunner } from './nemesis';
import { isProxyNemesis } from './degraded-links';
import { LinkProxies } from './links';
import { healNetwork } from './partitions';
import { describeStep, isClock, isMembership, schedule, type Nemesis, type Step } from './schedule';
import { BrokerClocks, clockFaultsUnavailableBecause } from './clock';
import { MembershipRunner } from './membership';
import { addressOf, createTopology, namespaceOf, removeOnExit } from './topology';
import { compareReplicaLogs } from './replica-logs';
import { DISK_NEMESIS_TOPIC_CONFIGS, type DiskNemesisCounts } from './disk-nemesis';
import { GroupMembers, GROUP_ID, type GroupCounts } from './group-members';
import { committedOffsetsWentBack, finalOffsetsBelowCommits, groupReadsNotInLog } from '../group-commits';
import type { TestFault } from '../../../src/common/test-faults';

export interface RunOptions {
  readonly seed: number;
  readonly durationMs: number;
  readonly brokers: number;
  readonly partitions: number;
  readonly nemeses: readonly Nemesis[];
  readonly mode: 'each-once' | 'random';
  /** Records per second per producer. */
  readonly rate: number;
  readonly holdMs?: readonly [number, number];
  readonly healthyMs?: readonly [number, number];
  /**
   * Test faults every broker runs with (src/common/test-faults.ts), to check that the checks catch
   * a broker that breaks its promises. lose-unsynced-writes is added whenever the nemeses include
   * crash-losing-unsynced-writes.
   */
  readonly testFaults?: readonly TestFault[];
  readonly log: (line: string) => void;
}

export interface RunResult {
  readonly seed: number;
  readonly brokers: number;
  readonly partitions: number;
  readonly nemeses: readonly Nemesis[];
  readonly testFaults: readonly TestFault[];
  /** Segment bytes never fdatasynced that the crash-losing-unsynced-writes restarts cut away. */
  readonly unsyncedBytesCut: number;
  /** What the disk nemeses did (disk-nemesis.ts). */
  readonly disk: DiskNemesisCounts;
  readonly steps: number;
  readonly elapsedS: number;
  /** How many times each nemesis struck. */
  readonly faults: Record<string, number>;
  /** Produce invocations and consumer reads. */
  readonly operations: { readonly produced: number; readonly acknowledged: number; readonly consumed: number };
  readonly check: object;
  /** Per producer, its failure messages (digits blanked) and how many records failed with each. */
  readonly failureKinds: Record<string, Record<string, number>>;
  readonly consumers: readonly ConsumerReport[];
  /** Per partition, the longest time without an acknowledgement from any producer (ms). */
  readonly longestAckGapByPartitionMs: Record<number, number>;
  readonly ackLatencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
  /** Availability and latency per phase: each healthy pause, each step (nemesis and the wait for leaders), the end. */
  readonly phases: readonly PhaseReport[];
  /** Time from the last heal until every partition had a leader again (ms), or -1 if it never did within 60 s. */
  readonly recoveredAfterMs: number;
  /** Each time a consumer failed and was replaced (a liveness finding, not a broken promise). */
  readonly consumerStops: readonly string[];
  /** The consumer group's two members (group-members.ts): commits acknowledged and refused, rebalances seen, records handed out, anomalies. */
  readonly group: GroupReport;
  /** Every broken promise, one line each (empty: none). */
  readonly anomalies: readonly string[];
}

export interface GroupReport extends GroupCounts {
  readonly reads: number;
  readonly readNotInLog: number;
  /** Partition → the offset the group held after the run. */
  readonly finalCommitted: Record<number, number>;
  /** Each time a member failed and was replaced (a liveness finding). */
  readonly stops: readonly string[];
  readonly anomalies: number;
}

const TOPIC = 'chaos';
/** Every broker's gRPC port (clients and peers), on its own address. */
const BROKER_PORT = 9092;
/** Past the default producer's 120 s delivery timeout, so its flush ends in any case. */
const FLUSH_TIMEOUT_MS = 150_000;
/** How long followers get to catch up before replicas' logs that differ are an anomaly. */
const REPLICAS_AGREE_WITHIN_MS = 30_000;

export async function runChaos(options: RunOptions): Promise<RunResult> {
  const { log } = options;
  const started = performance.now();
  const steps = schedule({ seed: options.seed, durationMs: options.durationMs, nemeses: options.nemeses, brokers: ids(options.brokers), partitions: options.partitions, mode: options.mode, holdMs: options.holdMs, healthyMs: options.healthyMs });
  log(`schedule (seed ${options.seed}, ${steps.length} steps):`);
  steps.forEach((step, i) => log(`  ${describeStep(step, i)}`));
  const noClockFaults = options.nemeses.some(isClock) ? clockFaultsUnavailableBecause() : undefined;
  if (noClockFaults !== undefined) throw new Error(`the clock nemeses cannot run: ${noClockFaults}`);
  // Membership changes need a broker to add: one spare, with its namespace, joined by add-broker.
  const spares = options.nemeses.some(isMembership) ? 1 : 0;
  const removeTopology = await createTopology(options.brokers + spares);
  const forget = removeOnExit(removeTopology);
  // Clock nemeses need every broker under libfaketime, each with its own control file.
  const clockDir = options.nemeses.some(isClock) ? mkdtempSync(join(tmpdir(), 'sluice-chaos-clocks-')) : undefined;
  let cluster: ClusterHarness | undefined;
  let links: LinkProxies | undefined;
  try {
    // Started before the brokers, so that every peer connection passes through the proxies.
    if (options.nemeses.some(isProxyNemesis)) {
      links = await LinkProxies.start(ids(options.brokers + spares), BROKER_PORT, options.seed);
      log('peer connections pass through the link proxies (links.ts)');
    }
    const faults = brokerFaults(options);
    const clocks = clockDir === undefined ? undefined : new BrokerClocks(clockDir, ids(options.brokers + spares));
    cluster = await startCluster(options.brokers, {
      spares,
      placement: { host: addressOf, grpcPort: BROKER_PORT, httpPort: 9644, wrapper: (id) => ['ip', 'netns', 'exec', namespaceOf(id)] },
      ...(faults.length > 0 ? { env: { SLUICE_TEST_FAULT: faults.join(','), SLUICE_TEST_FAULTS_ALLOWED: '1' } } : {}),
      ...(clocks ? { wrapper: (id: number) => clocks.wrapperOf(id) } : {}),
    });
    if (faults.length > 0) log(`brokers run with test faults: ${faults.join(', ')}`);
    if (clocks) log('brokers run under libfaketime (their wall clocks only), each with its control file');
    return await drive(cluster, steps, { ...options, testFaults: faults }, started, { clocks, spares, links });
  } finally {
    await cluster?.close();
    links?.stop();
    forget();
    removeTopology();
    if (clockDir !== undefined) rmSync(clockDir, { recursive: true, force: true });
  }
}

/**
 * The test faults the brokers need: those asked for, lose-unsynced-writes for its nemesis, and
 * disk-faults for the disk nemeses — with lose-unsynced-writes under disk-eio, so that the restart
 * after a failed fdatasync may lose what it did not make durable, as Linux may (disk-nemesis.ts).
 */
function brokerFaults(options: RunOptions): TestFault[] {
  const faults = new Set<TestFault>(options.testFaults ?? []);
  if (options.nemeses.includes('crash-losing-unsynced-writes') || options.nemeses.includes('disk-eio')) faults.add('lose-unsynced-writes');
  if (options.nemeses.includes('disk-eio') || options.nemeses.includes('disk-full')) faults.add('disk-faults');
  return [...faults];
}

/** bit-flip needs closed segments to flip: with it, the topic's segments roll at 64 KiB or 5 s (DISK_NEMESIS_TOPIC_CONFIGS). */
const topicConfigs = (options: RunOptions): Record<string, string> => (options.nemeses.includes('bit-flip') ? DISK_NEMESIS_TOPIC_CONFIGS : {});

const clock = (): number => performance.timeOrigin + performance.now();
const ids = (count: number): number[] => Array.from({ length: count }, (_, i) => i + 1);

async function drive(cluster: ClusterHarness, steps: readonly Step[], options: RunOptions, started: number, extras: { clocks: BrokerClocks | undefined; spares: number; links: LinkProxies | undefined }): Promise<RunResult> {
  const { log } = options;
  const stamp = (): string => `[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s]`;
  const replicationFactor = Math.min(3, options.brokers);
  await createTopic(cluster, TOPIC, options.partitions, replicationFactor, topicConfigs(options));
  // The injector's own random draws are unused: the schedule names every victim.
  const injector = new FaultInjector(cluster, TOPIC, options.partitions, seededRandom(options.seed));
  const everyBroker = ids(options.brokers + extras.spares);
  const stampedLog = (line: string): void => log(`${stamp()} ${line}`);
  const membership = extras.spares > 0 ? new MembershipRunner(cluster, TOPIC, replicationFactor, ids(options.brokers), everyBroker.slice(options.brokers), stampedLog) : undefined;
  const nemesis = new NemesisRunner(cluster, TOPIC, everyBroker, injector, stampedLog, { ...(extras.clocks ? { clocks: extras.clocks } : {}), ...(membership ? { membership } : {}), ...(extras.links ? { links: extras.links } : {}) });
  const clients = [0, 1, 2, 3].map(() => new SluiceClient({ brokers: bootstrapOf(cluster) }));
  const faults: Record<string, number> = {};
  const anomalies: string[] = [];
  try {
    // An idempotent producer with the client's defaults, one that gives up sooner, and one that is
    // not idempotent (at-least-once: its retries may store a record twice, which the check allows).
    const producers: Producer[] = [clients[0]!.producer(), clients[1]!.producer({ deliveryTimeoutMs: 5000 }), clients[2]!.producer({ idempotent: false })];
    for (const p of producers) await p.connect();
    const histories = [new History('default'), new History('short_timeout'), new History('not_idempotent', { idempotent: false })];
    const paced = producers.map((p, i) => new PacedProducer(p, TOPIC, histories[i]!, options.rate));
    const reads = [new ConsumerReads('consumer')];
    const consumers = await startConsumers(clients[2]!, options.partitions, reads);
    const group = new GroupMembers(clients[3]!, TOPIC);
    log(`${stamp()} ${options.brokers} brokers up at ${ids(options.brokers).map(addressOf).join(', ')}; topic ${TOPIC} (${options.partitions} partitions); ${options.rate} records/s per producer`);
    const phases: Phase[] = [];
    let phaseStartMs = clock();
    const endPhase = (name: string): void => {
      phases.push({ name, startMs: phaseStartMs, endMs: clock() });
      phaseStartMs = clock();
    };
    for (const p of paced) p.start();
    try {
      for (const [i, step] of steps.entries()) {
        await sleep(step.healthyBeforeMs);
        endPhase(`healthy before #${i + 1}`);
        log(`${stamp()} ${describeStep(step, i)}; acks so far ${histories.map((h) => h.acknowledgements).join('+')}`);
        await nemesis.run(step, i);
        for (const n of step.nemeses) faults[n] = (faults[n] ?? 0) + 1;
        if (!(await injector.recovered(60_000))) anomalies.push(`some partition had no leader 60 s after step #${i + 1} (${step.nemeses.join(' + ')})`);
        endPhase(`#${i + 1} ${step.nemeses.join(' + ')}`);
      }
    } finally {
      healNetwork(everyBroker);
      injector.resume();
      extras.clocks?.reset();
    }
    const healedAt = performance.now();
    const recovered = await injector.recovered(60_000);
    const recoveredAfterMs = recovered ? Math.round(performance.now() - healedAt) : -1;
    if (!recovered) anomalies.push('some partition had no leader 60 s after the last heal');
    log(`${stamp()} nemeses done; healed; every partition led again after ${recoveredAfterMs} ms; producing 5 s more, then flushing`);
    await sleep(5000);
    endPhase('healed');
    for (const p of paced) p.stop();
    const flushed = await Promise.all(producers.map((p) => flushWithin(p, FLUSH_TIMEOUT_MS)));
    flushed.forEach((ok, i) => { if (!ok) anomalies.push(`${histories[i]!.name}: the flush did not finish within ${FLUSH_TIMEOUT_MS} ms`); });
    await consumers.stop();
    await group.stop();
    const finalCommitted = await groupOffsets(clients[3]!, options.partitions);
    log(`${stamp()} reading ${options.partitions} partitions from offset 0`);
    const checker = new LogChecker(histories);
    const finalLog = new FinalLog();
    await readTopic(cluster, TOPIC, options.partitions, { record: (p, o, v) => { checker.record(p, o, v); finalLog.record(p, o, v); } });
    const result = checker.finish();
    const consumerReports = reads.map((r) => checkConsumer(r, finalLog));
    anomalies.push(...violations(result), ...consumerReports.flatMap(consumerViolations));
    const groupReport = checkGroup(group, finalCommitted, finalLog);
    anomalies.push(...groupReport.lines);
    log(`${stamp()} comparing every replica's log of each partition`);
    anomalies.push(...(membership?.anomalies ?? []));
    anomalies.push(...(await compareReplicaLogs(cluster, TOPIC, options.partitions, replicationFactor, REPLICAS_AGREE_WITHIN_MS)));
    const gaps: Record<number, number> = {};
    for (const h of histories) for (const [p, gap] of h.longestAckGapByPartitionMs()) gaps[p] = Math.max(gaps[p] ?? 0, gap);
    const [p50, p99, max] = histories[0]!.ackLatencyPercentilesMs([50, 99, 100]);
    return {
      seed: options.seed, brokers: options.brokers, partitions: options.partitions, nemeses: options.nemeses, testFaults: options.testFaults ?? [], unsyncedBytesCut: nemesis.unsyncedBytesCut, disk: nemesis.disk.counts, steps: steps.length,
      elapsedS: Math.round((performance.now() - started) / 1000), faults,
      operations: { produced: histories.reduce((n, h) => n + h.invocations, 0), acknowledged: histories.reduce((n, h) => n + h.acknowledgements, 0), consumed: reads.reduce((n, r) => n + r.count, 0) },
      check: summary(result), failureKinds: Object.fromEntries(result.producers.map((p) => [p.producer, p.failureKinds])), consumers: consumerReports, longestAckGapByPartitionMs: gaps,
      ackLatencyMs: { p50: p50!, p99: p99!, max: max! }, phases: phaseReports(histories, phases, options.partitions), recoveredAfterMs, consumerStops: consumers.stops, group: groupReport.report, anomalies,
    };
  } finally {
    for (const client of clients) await closeWithin(() => client.close(), 5000);
  }
}

/** The group's committed offsets after the run, asked until the brokers answer (for at most 60 s; then the error, an anomaly). */
async function groupOffsets(client: SluiceClient, partitions: number): Promise<Map<number, number> | Error> {
  const deadline = performance.now() + 60_000;
  for (;;) {
    try {
      const offsets = await client.admin().fetchOffsets(GROUP_ID, Array.from({ length: partitions }, (_, partition) => ({ topic: TOPIC, partition })));
      return new Map(offsets.map((o) => [o.partition, o.offset]));
    } catch (error) {
      if (performance.now() > deadline) return error as Error;
      await sleep(1000);
    }
  }
}

/** The checks of group-commits.ts on the group's run: the report and the anomalies' lines. */
function checkGroup(group: GroupMembers, finalCommitted: Map<number, number> | Error, log: FinalLog): { report: GroupReport; lines: string[] } {
  const lines = committedOffsetsWentBack(group.commits);
  if (finalCommitted instanceof Error) lines.push(`group: its committed offsets could not be read within 60 s after the run: ${finalCommitted.message}`);
  else lines.push(...finalOffsetsBelowCommits(group.commits, finalCommitted));
  const notInLog = groupReadsNotInLog(group.reads, log);
  if (notInLog.count > 0) lines.push(`group: readNotInLog ${notInLog.count}`, ...notInLog.lines.map((line) => `  ${line}`));
  const anomalies = lines.filter((line) => !line.startsWith('  ')).length;
  return {
    report: {
      ...group.counts, reads: group.reads.reduce((n, r) => n + r.count, 0), readNotInLog: notInLog.count,
      finalCommitted: finalCommitted instanceof Error ? {} : Object.fromEntries(finalCommitted), stops: group.stops, anomalies,
    },
    lines,
  };
}

/**
 * A consumer of every partition from offset 0 (push delivery, the default), recording each read.
 * A consumer whose run() fails (the client gives up on a partition after its retries) is a
 * finding, not a safety anomaly: it is recorded in `stops` and replaced by a new consumer that
 * resumes past the highest offset read, so the reads stay checkable end to end.
 */
async function startConsumers(client: SluiceClient, partitions: number, reads: readonly ConsumerReads[]): Promise<{ stop(): Promise<void>; stops: string[] }> {
  const stops: string[] = [];
  let stopping = false;
  const current = new Map<ConsumerReads, Consumer>();
  const consume = async (r: ConsumerReads): Promise<void> => {
    while (!stopping) {
      const consumer = client.consumer();
      current.set(r, consumer);
      try {
        await consumer.connect();
        for (let partition = 0; partition < partitions; partition++) await consumer.seek({ topic: TOPIC, partition, offset: r.nextOffset(partition) });
        if (stopping) break;
        await consumer.run({ eachRecord: (record) => r.read(record.partition, record.offset, record.value === null ? null : record.value.toString()) });
      } catch (error) {
        if (!stopping) stops.push(`${new Date().toISOString()} ${r.name}: stopped with an error, restarted: ${(error as Error).message}`);
        await sleep(1000);
      } finally {
        await closeWithin(() => consumer.disconnect(), 5000);
      }
    }
  };
  const running = reads.map((r) => consume(r));
  return {
    stops,
    stop: async () => {
      stopping = true;
      for (const consumer of current.values()) await consumer.stop();
      await closeWithin(() => Promise.all(running).then(() => undefined), 30_000);
    },
  };
}
