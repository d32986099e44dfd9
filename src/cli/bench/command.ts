// `sluice bench`: produce / consume / end-to-end workloads, the standard suite, the side-by-side
// comparison with peer systems, charts from saved results and CPU-profile summaries.
import { Command, Option, InvalidArgumentError } from 'commander';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatCompareMarkdown, formatCompareTable } from './compare-table';
import { PEER_DRIVERS_MODULE, withPeerDrivers } from './drivers/open-driver';
import { parseHostPort, type DriverConfig } from './drivers/types';
import { KEY_DISTRIBUTIONS, type KeyDistribution } from './keys';
import { buildReport, type Acks, type BenchReport, type RunResult, type WorkloadKind, type WorkloadSpec } from './result';
import { reachable, startLocalBroker, type LocalBroker } from './local-broker';
import { runWorkload } from './runner';
import { runSuite, unavailableResult, type Target } from './suite-runner';
import { compareSuite, DEFAULT_SPEC, standardSuite } from './suites';
import { SluiceClient } from '../../client';
import { renderChartSvg } from './svg-chart';
import { formatResultsTable } from './table';
import { guarded, nonNegative, parseDurationMs, parseRecordSize, positiveBytes, positiveInt, positiveNumber } from './command-support';
import { chartCommand, profileCommand } from './saved-file-commands';
import { COMPRESSION_NAMES, type CompressionName } from '../../protocol/compression';

interface CommonOptions {
  system: 'sluice' | 'nats' | 'redis';
  brokers?: string;
  natsUrl: string;
  redisUrl: string;
  peerDrivers?: string;
  replicationFactor: number;
  topic?: string;
  recordSize: number;
  count?: number;
  duration?: number;
  rate?: number;
  acks: Acks;
  partitions: number;
  keys: KeyDistribution;
  producers: number;
  consumers: number;
  batchBytes: number;
  lingerMs: number;
  maxInFlight: number;
  maxInFlightBytes: number;
  bufferMemory?: number;
  compression?: CompressionName;
  warmup?: number;
  json?: string;
  chart?: string;
  progress: boolean;
}

function withCommonOptions(command: Command): Command {
  return command
    .addOption(new Option('--system <system>', 'system under test').choices(['sluice', 'nats', 'redis']).default('sluice'))
    .option('--brokers <list>', 'Sluice brokers, comma-separated host:port (env SLUICE_BROKERS, default 127.0.0.1:9092)')
    .option('--nats-url <list>', 'NATS servers (with --system nats), comma-separated', '127.0.0.1:4222')
    .option('--redis-url <host:port>', 'Redis server (with --system redis)', '127.0.0.1:6379')
    .option('--peer-drivers <module>', `drivers of the peer systems nats and redis, which are not part of sluice (${PEER_DRIVERS_MODULE})`)
    .option('--replication-factor <n>', 'replicas of a created topic', positiveInt('replication factor'), 1)
    .option('--topic <name>', 'topic to use (created if missing); default: a fresh topic per run')
    .option('--record-size <bytes>', 'record value size (>= 8: the first 8 bytes carry the send time)', parseRecordSize, 100)
    .option('--count <n>', 'records to send (or to read, for consume)', positiveInt('count'))
    .option('--duration <time>', 'run for this long instead of a count (e.g. 30s)', parseDurationMs)
    .option('--rate <n>', 'target records/s over all producers (paced; latency from intended send time); default unlimited', positiveInt('rate'))
    .addOption(new Option('--acks <acks>', 'acknowledgement level').choices(['all', 'leader', 'none']).default('all'))
    .option('--partitions <n>', 'partitions of a created topic', positiveInt('partitions'), 1)
    .addOption(new Option('--keys <distribution>', 'key distribution').choices([...KEY_DISTRIBUTIONS]).default('none'))
    .option('--producers <n>', 'producer worker threads', positiveInt('producers'), 1)
    .option('--consumers <n>', 'consumer worker threads', positiveInt('consumers'), 1)
    .option('--batch-bytes <bytes>', 'producer batch size limit', positiveBytes('batch bytes'), DEFAULT_SPEC.batchMaxBytes)
    .option('--linger-ms <ms>', 'producer linger', nonNegative('linger'), DEFAULT_SPEC.lingerMs)
    .option('--max-in-flight <n>', 'unacknowledged records per producer', positiveInt('max in flight'), DEFAULT_SPEC.maxInFlight)
    .option('--max-in-flight-bytes <bytes>', 'unacknowledged bytes per producer (e.g. 2MB; the smaller window applies)', positiveBytes('max in flight bytes'), DEFAULT_SPEC.maxInFlightBytes)
    .option('--buffer-memory <bytes>', "Sluice's producer buffer limit, bufferMemory (default: the client's, 32 MiB)", positiveBytes('buffer memory'))
    .addOption(new Option('--compression <codec>', "Sluice's batch codec (peers ignore it)").choices([...COMPRESSION_NAMES]))
    .option('--warmup <time>', 'with --rate: send at the rate for this long before measuring (e.g. 10s)', parseDurationMs)
    .option('--json <file>', 'write the results as JSON')
    .option('--chart <file.svg>', 'draw throughput over time and the latency distribution as SVG')
    .option('--no-progress', 'no live progress line on stderr');
}

function driverConfig(o: CommonOptions): DriverConfig {
  const list = (text: string): string[] => text.split(',').map((s) => s.trim()).filter(Boolean);
  switch (o.system) {
    case 'sluice': return { system: 'sluice', brokers: list(o.brokers ?? process.env.SLUICE_BROKERS ?? '127.0.0.1:9092'), replicationFactor: o.replicationFactor };
    case 'nats': return withPeerDrivers({ system: 'nats', servers: list(o.natsUrl), replicas: o.replicationFactor }, o.peerDrivers);
    case 'redis': { const { host, port } = parseHostPort(o.redisUrl, 6379); return withPeerDrivers({ system: 'redis', host, port }, o.peerDrivers); }
  }
}

const DURABILITY: Record<CommonOptions['system'], (o: CommonOptions) => string> = {
  sluice: (o) => `acks=${o.acks}, RF=${o.replicationFactor}${o.acks === 'all' ? ', fsync before ack' : ''}`,
  nats: (o) => `JetStream file storage, R=${o.replicationFactor}, server's default sync (no fsync before ack)`,
  redis: () => 'as configured on the server (appendonly / appendfsync)',
};

/** An existing Sluice topic keeps its own replication factor: label the run with it, not the flag. */
async function withActualReplicationFactor(o: CommonOptions): Promise<CommonOptions> {
  if (o.system !== 'sluice' || !o.topic) return o;
  const config = driverConfig(o);
  if (config.system !== 'sluice') return o;
  const client = new SluiceClient({ brokers: config.brokers, retry: { retries: 2 } });
  try {
    const [described] = await client.admin().describeTopics([o.topic]);
    return described ? { ...o, replicationFactor: described.replicationFactor } : o;
  } catch {
    return o; // not created yet: it will be, with the flag's factor
  } finally {
    await client.close();
  }
}

function specFrom(workload: WorkloadKind, o: CommonOptions): WorkloadSpec {
  const count = o.count ?? (o.duration !== undefined ? null : workload === 'end-to-end' ? 100_000 : 1_000_000);
  return {
    workload,
    recordBytes: o.recordSize,
    count,
    durationMs: count === null ? o.duration ?? null : null,
    ratePerSecond: o.rate ?? null,
    acks: o.acks,
    partitions: o.partitions,
    keyDistribution: o.keys,
    producers: o.producers,
    consumers: o.consumers,
    batchMaxBytes: o.batchBytes,
    lingerMs: o.lingerMs,
    maxInFlight: o.maxInFlight,
    maxInFlightBytes: o.maxInFlightBytes,
    bufferMemory: o.bufferMemory,
    ...(o.compression !== undefined && o.compression !== 'none' && { compression: o.compression }),
    warmupMs: o.warmup ?? 0,
  };
}

function writeOutputs(results: readonly RunResult[], json: string | undefined, chart: string | undefined, title: string): BenchReport {
  const report = buildReport(results);
  if (json) {
    fs.mkdirSync(path.dirname(path.resolve(json)), { recursive: true });
    fs.writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
    process.stderr.write(`results written to ${json}\n`);
  }
  if (chart) {
    fs.mkdirSync(path.dirname(path.resolve(chart)), { recursive: true });
    fs.writeFileSync(chart, renderChartSvg(results, title));
    process.stderr.write(`chart written to ${chart}\n`);
  }
  return report;
}

function workloadCommand(workload: WorkloadKind, description: string): Command {
  return withCommonOptions(new Command(workload).description(description)).action(guarded(async (command: Command) => {
    const o = await withActualReplicationFactor(command.optsWithGlobals<CommonOptions>());
    let spec = specFrom(workload, o);
    const driver = driverConfig(o);
    const notes: string[] = [];
    let topic = o.topic;
    let expectedRecords: number | undefined;
    if (workload === 'consume' && !topic) {
      // Nothing to read yet: write the records first (not measured), then read them back.
      const fill = await runWorkload({ driver, spec: { ...spec, workload: 'produce', ratePerSecond: null, count: spec.count ?? 1_000_000, durationMs: null }, system: o.system, durability: DURABILITY[o.system](o), name: 'fill', progress: o.progress });
      topic = fill.topic;
      expectedRecords = fill.result.records;
      notes.push(`read ${expectedRecords} records written by an unmeasured fill run`);
      spec = { ...spec, count: expectedRecords };
    }
    const outcome = await runWorkload({
      driver, spec, system: o.system, durability: DURABILITY[o.system](o), name: workload, progress: o.progress, notes,
      ...(topic ? { topic } : {}), ...(expectedRecords !== undefined ? { expectedRecords } : {}),
    });
    console.log(formatResultsTable([outcome.result]));
    writeOutputs([outcome.result], o.json, o.chart, `sluice bench ${workload} (${o.system})`);
    if (outcome.result.errors > 0 || outcome.result.missing > 0) process.exitCode = 1;
  }));
}

function suiteCommand(): Command {
  return withCommonOptions(new Command('suite'))
    .description('the standard suite: produce 1M × 100 B acks=all, consume them all, end-to-end paced at 10k/s with 1 KB records (starts a local broker when none is given or listening on 127.0.0.1:9092)')
    .option('--scale <factor>', 'multiply the record counts (e.g. 0.1 for a quick run; at least 1,000 records per step)', positiveNumber('scale'), 1)
    .option('--e2e-seconds <s>', 'length of the paced end-to-end run', positiveInt('e2e seconds'), 30)
    .action(guarded(async (command: Command) => {
      const o = command.optsWithGlobals<CommonOptions & { scale: number; e2eSeconds: number }>();
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      let local: LocalBroker | null = null;
      if (o.system === 'sluice' && o.brokers === undefined && !process.env.SLUICE_BROKERS && !(await reachable('127.0.0.1:9092'))) {
        // `make bench` on a fresh checkout: nothing listens on the default port, so run our own.
        local = await startLocalBroker(path.join(__dirname, '..', 'main.js'));
        o.brokers = local.address;
        process.stderr.write(`no broker at 127.0.0.1:9092: started a local one at ${local.address} (data in ${local.dataDir})\n`);
      }
      const target: Target = { label: o.system, driver: driverConfig(o), durability: DURABILITY[o.system](o) };
      const steps = standardSuite(specFrom('produce', o), { countScale: o.scale, endToEndSeconds: o.e2eSeconds });
      let results: RunResult[];
      try {
        results = await runSuite([target], steps, { scale: { countScale: o.scale, endToEndSeconds: o.e2eSeconds }, progress: o.progress });
      } finally {
        await local?.stop();
      }
      console.log(formatResultsTable(results));
      writeOutputs(results, o.json ?? `bench-results/suite-${stamp}.json`, o.chart ?? `bench-results/suite-${stamp}.svg`, 'sluice bench suite');
      if (results.some((r) => r.records === 0)) process.exitCode = 1;
    }));
}

/**
 * `--target label|system|address|durability[|topic configs]`, e.g.
 * `redis-always|redis|127.0.0.1:6380|AOF, appendfsync always` or
 * `sluice-interval|sluice|127.0.0.1:9092|written before ack|flush.policy=interval` (configs of the
 * topic a Sluice target creates, `k=v,k=v`).
 */
export function parseTarget(text: string): Target {
  const [label, system, address, durability, configs, metrics, extra] = text.split('|').map((s) => s.trim());
  const fail = (why: string): never => { throw new InvalidArgumentError(`target '${text}' is invalid (${why}): use label|system|address[,address…]|durability[|k=v,k=v[|http-address,…]], system sluice, sluice-rf3, nats, nats-r3 or redis`); };
  if (!label || !system || !address) fail('missing fields');
  const addresses = address!.split(',').map((s) => s.trim()).filter(Boolean);
  const replicas = /-r(?:f)?(\d)$/.exec(system!)?.[1];
  const base = system!.replace(/-r(?:f)?\d$/, '');
  let driver: DriverConfig;
  if (base === 'sluice') {
    driver = { system: 'sluice', brokers: addresses, replicationFactor: Number(replicas ?? 1), ...(configs ? { topicConfigs: parseTopicConfigs(configs, fail) } : {}) };
  } else if (configs) return fail('topic configs are for Sluice targets only');
  else if (base === 'nats') driver = { system: 'nats', servers: addresses, replicas: Number(replicas ?? 1) };
  else if (base === 'redis') { const { host, port } = parseHostPort(addresses[0]!, 6379); driver = { system: 'redis', host, port }; }
  else return fail(`unknown system '${system}'`);
  if (extra !== undefined) fail('too many fields');
  if (metrics && base !== 'sluice') fail('broker HTTP addresses are for Sluice targets only');
  const metricsAddresses = metrics ? metrics.split(',').map((s) => s.trim()).filter(Boolean) : [];
  return { label: label!, driver, durability: durability ?? '', ...(metricsAddresses.length > 0 ? { metricsAddresses } : {}) };
}

function parseTopicConfigs(text: string, fail: (why: string) => never): Record<string, string> {
  const configs: Record<string, string> = {};
  for (const pair of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at <= 0) fail(`topic config '${pair}' is not key=value`);
    configs[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return configs;
}

/** `--compare-with peer=baseline`: that peer's ratios are against this baseline. */
function parseCompareWith(text: string, acc: Record<string, string>): Record<string, string> {
  const [peer, baseline, extra] = text.split('=').map((s) => s.trim());
  if (!peer || !baseline || extra !== undefined) throw new InvalidArgumentError(`--compare-with '${text}' is invalid: use peer=baseline, e.g. jetstream=sluice-interval`);
  return { ...acc, [peer]: baseline };
}

/** Runs `command label` through the shell, its output on stderr; throws when it fails. */
function runHook(command: string, label: string): void {
  const quoted = `'${label.replace(/'/g, `'\\''`)}'`;
  const result = spawnSync(`${command} ${quoted}`, { shell: true, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`'${command} ${label}' exited with ${result.status ?? result.signal}`);
}

function compareCommand(): Command {
  return withCommonOptions(new Command('compare'))
    .description('run the comparison suite against several systems and print figures with ratios to the baseline (2 producer threads unless --producers)')
    .option('--target <spec>', 'label|system|address|durability[|k=v,…[|broker HTTP host:port,…]] (repeatable)', (v: string, acc: Target[]) => [...acc, parseTarget(v)], [] as Target[])
    .option('--unavailable <spec>', 'label|durability|reason: a row that is shown but not run (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--baseline <label>', 'ratios are baseline / system', 'sluice')
    .option('--replicated-baseline <label>', 'the baseline of replicated peers (labels ending in -r3)', 'sluice-rf3')
    .option('--compare-with <peer=baseline>', "compare this peer with another baseline, e.g. one of equal durability (repeatable)", parseCompareWith, {} as Record<string, string>)
    .option('--scale <factor>', 'multiply the record counts (at least 1,000 records per step)', positiveNumber('scale'), 1)
    .option('--e2e-seconds <s>', 'length of each paced end-to-end run', positiveInt('e2e seconds'), 20)
    .option('--e2e-warmup-seconds <s>', 'paced end-to-end runs send at their rate for this long before measuring', nonNegative('e2e warm-up seconds'), 10)
    .option('--e2e-runs <n>', 'run each paced end-to-end step n times and report its median run by p50', positiveInt('e2e runs'), 3)
    .option('--steps <names>', 'run only these steps, comma-separated (consume steps need their produce step)')
    .option('--out-dir <dir>', 'where JSON, charts and the markdown table go', 'bench-results')
    .option('--partial', 'a subset of the systems: keep compare-latest* (also implied by --steps)')
    .option('--before-each <command>', "run '<command> <label>' before each system's steps (bench-compare.sh pauses the other systems' servers with it)")
    .action(guarded(async (command: Command) => {
      const o = command.optsWithGlobals<CommonOptions & { target: Target[]; unavailable: string[]; baseline: string; replicatedBaseline: string; compareWith: Record<string, string>; scale: number; e2eSeconds: number; e2eWarmupSeconds: number; e2eRuns: number; outDir: string; steps?: string; partial?: boolean; beforeEach?: string }>();
      const baselines = { single: o.baseline, replicated: o.replicatedBaseline, byPeer: o.compareWith };
      if (o.target.length === 0) throw new InvalidArgumentError('no --target given: name at least one system');
      const scale = { countScale: o.scale, endToEndSeconds: o.e2eSeconds, warmupSeconds: o.e2eWarmupSeconds };
      // One producer thread per core unless told otherwise: one Node producer thread is the
      // limit for every system at 100 B records, and Redis (fsync per event-loop turn) needs
      // concurrent connections to group its fsyncs.
      if (command.getOptionValueSource('producers') === 'default') o.producers = 2;
      const only = o.steps?.split(',').map((s) => s.trim()).filter(Boolean);
      const steps = compareSuite(specFrom('produce', o), scale).filter((s) => !only || only.includes(s.name));
      if (steps.length === 0) throw new InvalidArgumentError(`--steps matched no step: use ${compareSuite(DEFAULT_SPEC, scale).map((s) => s.name).join(', ')}`);
      const targets = o.target.map((t) => ({ ...t, driver: withPeerDrivers(t.driver, o.peerDrivers) }));
      const results = await runSuite(targets, steps, {
        scale,
        progress: o.progress,
        pacedRuns: o.e2eRuns,
        ...(o.beforeEach ? { beforeTarget: (t: Target) => runHook(o.beforeEach!, t.label) } : {}),
        onResult: (r) => process.stderr.write(`${r.system} ${r.name}: ${r.recordsPerSec} rec/s${r.latency ? `, p99 ${r.latency.summary.p99Ms} ms` : ''}${r.notes.length ? ` (${r.notes.join('; ')})` : ''}\n`),
      });
      for (const spec of o.unavailable) {
        const [label, durability, reason] = spec.split('|');
        for (const step of steps) results.push(unavailableResult({ label: label ?? '?', durability: durability ?? '' }, step, reason ?? 'unavailable'));
      }
      // A rerun of a few systems or steps must not replace the table of the last full run.
      const latest = (name: string): string | undefined => (o.partial || only ? undefined : path.join(o.outDir, name));
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      fs.mkdirSync(o.outDir, { recursive: true });
      const base = path.join(o.outDir, `compare-${stamp}`);
      writeOutputs(results, `${base}.json`, undefined, '');
      const charts: [string, (r: RunResult) => boolean][] = [
        ['produce', (r) => r.spec.workload === 'produce'],
        ['consume', (r) => r.spec.workload === 'consume'],
        ['e2e', (r) => r.spec.workload === 'end-to-end'],
      ];
      for (const [name, pick] of charts) {
        const file = `${base}-${name}.svg`;
        fs.writeFileSync(file, renderChartSvg(results.filter((r) => pick(r) && r.records > 0), `bench compare: ${name}`));
        const copy = latest(`compare-latest-${name}.svg`);
        if (copy) fs.copyFileSync(file, copy);
      }
      const markdown = formatCompareMarkdown(results, baselines);
      fs.writeFileSync(`${base}.md`, `${markdown}\n`);
      for (const ext of ['json', 'md']) {
        const copy = latest(`compare-latest.${ext}`);
        if (copy) fs.copyFileSync(`${base}.${ext}`, copy);
      }
      console.log(formatCompareTable(results, baselines));
      console.log('\ndurability of an acknowledged write:');
      const seen = new Set<string>();
      for (const r of results) if (!seen.has(r.system)) { seen.add(r.system); console.log(`  ${r.system}: ${r.durability}`); }
      console.log(`\nwritten: ${base}.json, ${base}.md, ${base}-{produce,consume,e2e}.svg`);
    }));
}

/** The `bench` subcommand of the sluice CLI. */
export function benchCommand(): Command {
  return new Command('bench')
    .description('measure throughput and latency (and compare with NATS JetStream and Redis Streams)')
    .addCommand(workloadCommand('produce', 'produce records as fast as possible, or paced with --rate'))
    .addCommand(workloadCommand('consume', 'consume a topic from the beginning (fills a fresh topic first unless --topic is given)'))
    .addCommand(workloadCommand('end-to-end', 'produce and consume at once; latency from send (or intended send) to receipt'))
    .addCommand(suiteCommand())
    .addCommand(compareCommand())
    .addCommand(chartCommand())
    .addCommand(profileCommand())
    .hook('postAction', () => {
      // Client libraries may keep sockets or timers referenced after close: a finished bench exits.
      setTimeout(() => process.exit(process.exitCode ?? 0), 200).unref();
    });
}
