// One fuzzing run (docs/fuzzing.md): start the target, write the canary, send `requests` seeded
// requests of every kind with a bounded concurrency while sampling the brokers' memory and
// descriptors, check the canary, restart the target gracefully and with kill -9 and check the
// canary (and a new acks=all write) after each. Returns the summary; never throws for a finding.
import { FuzzRandom } from './fuzz-random';
import { Channels, checkCanary, writeCanary, type CanaryLoss } from './canary';
import { startClusterTarget, startSingleTarget, type FuzzTarget, type TargetKind } from './fuzz-targets';
import { ProcessWatch } from './process-probe';
import { RequestSender, type SentRequest } from './request-sender';
import { cleanUpTopics, createTopics } from './topic-admin';

export interface FuzzOptions {
  readonly requests: number;
  readonly seed: number;
  readonly target: TargetKind;
  /** Requests in flight at once. */
  readonly concurrency: number;
  /** Longest valid topic name the fuzzer uses (249, the broker's limit, unless a run avoids a known bug). */
  readonly maxTopicNameChars: number;
  /** Method paths never sent (`/sluice.v1.Admin/RegisterBroker`), to see past a known finding. */
  readonly skipMethods?: readonly string[];
  /** Index of the first request (default 0): with `requests`, a slice of a longer run's sequence. */
  readonly firstIndex?: number;
  /** Run only this request index (to reproduce a finding), after the same setup. */
  readonly replay?: number;
  readonly log: (line: string) => void;
}

export interface Crash {
  readonly broker: number;
  readonly how: string;
  /** Requests in flight when the exit was seen, then the last ones finished. */
  readonly suspects: string[];
  readonly outputTail: string;
}

export interface FuzzSummary {
  readonly target: TargetKind;
  readonly seed: number;
  readonly requestsPlanned: number;
  readonly requestsSent: number;
  readonly requestsByKind: Record<string, number>;
  readonly grpcStatus: Record<string, number>;
  readonly httpOutcomes: Record<string, number>;
  readonly streamsOpened: number;
  /** INTERNAL / UNKNOWN / DATA_LOSS answers: not failures of the run, but worth reading. */
  readonly unexpectedStatuses: { request: string; status: string; details: string }[];
  /** Unexpected answers counted by (status, method, start of the details). */
  readonly unexpectedKinds: Record<string, number>;
  /** Topic deletions the broker refused at the periodic clean-up (an accepted name must be deletable). */
  readonly deleteRefusals: string[];
  readonly crashes: Crash[];
  readonly failedRestarts: string[];
  readonly canaryLosses: (CanaryLoss & { when: string })[];
  readonly canaryBatches: number;
  readonly peakRssMiB: number;
  readonly peakDescriptors: number;
  /** (seconds, MiB, descriptors) every 5 s: the growth curve of the largest broker. */
  readonly timeline: [number, number, number][];
  readonly durationS: number;
}

export const CANARY_TOPIC = 'fuzz-canary';
const CANARY_PARTITIONS = 3;
const CANARY_BATCHES_PER_PARTITION = 20;
/** Topics the fuzzer names; the long ones probe the file-name limit of a partition directory. */
const FUZZ_TOPICS = ['fuzz-a', 'fuzz-b', 'fuzz-c', 'no-such-topic', 'a'.repeat(200), 'b'.repeat(245), 'c'.repeat(249)];
const CLEANUP_EVERY_REQUESTS = 2000;
const RECENT_KEPT = 20;

async function startTarget(kind: TargetKind): Promise<FuzzTarget> {
  return kind === 'single' ? startSingleTarget() : startClusterTarget();
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzSummary> {
  const startedAt = performance.now();
  const log = options.log;
  const target = await startTarget(options.target);
  const channels = new Channels();
  const watch = new ProcessWatch(() => target.pids());
  const canaryLosses: (CanaryLoss & { when: string })[] = [];
  const failedRestarts: string[] = [];
  const crashes: Crash[] = [];
  const deleteRefusals: string[] = [];
  const replication = options.target === 'cluster' ? 3 : 1;
  try {
    log(`target ${options.target} up (brokers ${target.grpcAddresses().join(', ')}, pids ${target.pids().join(', ')})`);
    await createTopics(channels, target.grpcAddresses(), [[CANARY_TOPIC, CANARY_PARTITIONS, replication], ['fuzz-a', 3, replication], ['fuzz-b', 1, replication]]);
    const canary = await writeCanary(channels, target.grpcAddresses(), CANARY_TOPIC, CANARY_PARTITIONS, CANARY_BATCHES_PER_PARTITION, new FuzzRandom(options.seed));
    log(`canary written: ${canary.length} batches on ${CANARY_TOPIC} (acks=all)`);
    watch.start();

    const sender = new RequestSender(target, channels, {
      topics: FUZZ_TOPICS.filter((t) => t.length <= options.maxTopicNameChars),
      canaryTopic: CANARY_TOPIC,
      clusterId: target.clusterId,
      brokerIds: target.brokerIds,
      maxTopicNameChars: options.maxTopicNameChars,
    }, new Set(options.skipMethods ?? []));
    const indexes = options.replay === undefined ? undefined : [options.replay];
    const total = indexes ? 1 : options.requests;
    const inFlight = new Map<number, SentRequest>();
    const recent: string[] = [];
    let next = 0;
    let lastLogged = 0;
    const crashed = (): boolean => {
      const exited = target.exited();
      if (exited.length === 0) return false;
      if (crashes.length === 0) {
        const suspects = [...[...inFlight.values()].map((r) => `in flight: ${r.description}`), ...recent.map((r) => `finished: ${r}`)];
        for (const e of exited) crashes.push({ broker: e.id, how: e.how, suspects, outputTail: e.outputTail });
        log(`CRASH: ${exited.map((e) => `broker ${e.id} ${e.how}`).join(', ')}`);
      }
      return true;
    };
    const worker = async (): Promise<void> => {
      while (next < total && !crashed()) {
        const position = next++;
        const index = indexes ? indexes[position]! : (options.firstIndex ?? 0) + position;
        if (index > 0 && index % CLEANUP_EVERY_REQUESTS === 0) {
          for (const refusal of await cleanUpTopics(channels, target.grpcAddresses(), [CANARY_TOPIC])) if (deleteRefusals.length < RECENT_KEPT) deleteRefusals.push(`at request ${index}: ${refusal}`);
        }
        const request = sender.prepare(options.seed, index);
        if (indexes) log(`replaying ${request.description}${request.body ? `\n  body (hex, first 4 KiB): ${request.body.subarray(0, 4096).toString('hex')}` : ''}`);
        inFlight.set(index, request);
        await request.send();
        inFlight.delete(index);
        if (indexes) log(`answered: ${JSON.stringify(sender.counts.grpcStatus)} ${JSON.stringify(sender.counts.unexpected)} ${JSON.stringify(sender.counts.httpOutcomes)}`);
        recent.push(request.description);
        if (recent.length > RECENT_KEPT) recent.shift();
        if (position - lastLogged >= Math.max(1000, total / 20)) {
          lastLogged = position;
          const seconds = (performance.now() - startedAt) / 1000;
          log(`${position} requests, ${seconds.toFixed(0)} s, peak RSS ${(watch.peakRssBytes / 2 ** 20).toFixed(0)} MiB, peak descriptors ${watch.peakDescriptors}`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency, total) }, worker));
    watch.sample();
    const sent = sender.counts.sent;
    log(`sent ${sent} requests; checking the canary`);

    if (crashes.length === 0) {
      for (const loss of await checkCanary(channels, target.grpcAddresses(), CANARY_TOPIC, canary)) canaryLosses.push({ ...loss, when: 'after the fuzzing' });
    }
    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      log(`restart with ${signal}`);
      channels.close();
      try {
        await target.restart(signal);
      } catch (error) {
        failedRestarts.push(`${signal}: ${(error as Error).message.slice(0, 4000)}`);
        break;
      }
      const losses = await checkCanary(channels, target.grpcAddresses(), CANARY_TOPIC, canary);
      for (const loss of losses) canaryLosses.push({ ...loss, when: `after the ${signal} restart` });
      try {
        await writeCanary(channels, target.grpcAddresses(), CANARY_TOPIC, 1, 1, new FuzzRandom(options.seed + 1));
      } catch (error) {
        failedRestarts.push(`${signal}: started, but an acks=all write failed: ${(error as Error).message}`);
      }
    }
    watch.stop();
    return {
      target: options.target,
      seed: options.seed,
      requestsPlanned: total,
      requestsSent: sent,
      requestsByKind: sender.counts.byKind,
      grpcStatus: sender.counts.grpcStatus,
      httpOutcomes: sender.counts.httpOutcomes,
      streamsOpened: sender.counts.streamsOpened,
      unexpectedStatuses: sender.counts.unexpected,
      unexpectedKinds: sender.counts.unexpectedKinds,
      deleteRefusals,
      crashes,
      failedRestarts,
      canaryLosses,
      canaryBatches: canary.length,
      peakRssMiB: Math.round(watch.peakRssBytes / 2 ** 20),
      peakDescriptors: watch.peakDescriptors,
      timeline: watch.timeline,
      durationS: Math.round((performance.now() - startedAt) / 1000),
    };
  } finally {
    watch.stop();
    channels.close();
    await target.close();
  }
}
