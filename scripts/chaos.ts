// The chaos suite's command (docs/chaos.md): brokers in network namespaces, partitions, packet
// loss, kill -9 and SIGSTOP from a seeded schedule, producers and a consumer recorded and checked.
//   scripts/chaos run [--seed S] [--minutes M] [--nemesis all|network|process|disk|clock|membership|a,b,…] [--brokers 3|5] [--test-fault F]
//                     [--partitions 4] [--rate 300] [--results docs/chaos-results.jsonl]
//   scripts/chaos cleanup      removes what a killed run left (namespaces, links, their processes)
// A run appends one JSON line to the results file and exits 0 when no anomaly was found, 1 on
// any, 2 on a bad option, 3 when the run itself failed or the machine cannot run it (not root, no netns).
import './chaos-log-level';
import { appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runChaos, type RunResult } from '../test/chaos/netns/run';
import { isDisk, parseNemeses, type Nemesis } from '../test/chaos/netns/schedule';
import { otherHolder, tryLockNetwork, unlockNetwork } from '../test/chaos/netns/lock';
import { cleanUp, unavailableBecause } from '../test/chaos/netns/topology';
import { TEST_FAULTS, type TestFault } from '../src/common/test-faults';

const USAGE = 'usage: scripts/chaos run [--seed S] [--minutes M] [--nemesis all|network|process|disk|clock|membership|<name>,…] [--brokers 3|5] [--partitions 4] [--rate 300] [--results FILE] [--test-fault ack-before-commit]\n       scripts/chaos cleanup';
const DEFAULT_RESULTS = resolve(__dirname, '../../docs/chaos-results.jsonl');
/** The issue bounds a run at 30 minutes. */
const MAX_MINUTES = 30;

interface Options { seed: number; minutes: number; nemeses: Nemesis[]; brokers: number; partitions: number; rate: number; results: string; testFaults: TestFault[] }

function options(argv: string[]): Options {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      seed: { type: 'string' }, minutes: { type: 'string' }, nemesis: { type: 'string' }, brokers: { type: 'string' },
      partitions: { type: 'string' }, rate: { type: 'string' }, results: { type: 'string' }, 'test-fault': { type: 'string' },
    },
    strict: true,
  });
  if (positionals.length > 0) throw new Error(`unexpected argument '${positionals[0]}'`);
  const number = (name: keyof typeof values, fallback: number, min: number, max: number): number => {
    const text = values[name];
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isFinite(value) || value < min || value > max) throw new Error(`--${name} must be a number from ${min} to ${max}, got '${text}'`);
    return value;
  };
  const brokers = number('brokers', 3, 3, 5);
  if (brokers !== 3 && brokers !== 5) throw new Error(`--brokers must be 3 or 5, got ${brokers}`);
  return {
    seed: Math.floor(number('seed', Date.now() % 2 ** 31, 0, 2 ** 31)),
    minutes: number('minutes', 8, 0.5, MAX_MINUTES),
    nemeses: parseNemeses(values.nemesis ?? 'all'),
    brokers,
    partitions: Math.floor(number('partitions', 4, 1, 64)),
    rate: Math.floor(number('rate', 300, 1, 5000)),
    results: values.results === undefined ? DEFAULT_RESULTS : resolve(values.results),
    testFaults: parseTestFaults(values['test-fault']),
  };
}

/** --test-fault: brokers that break a promise on purpose, to check that the checks catch it (docs/chaos.md). */
function parseTestFaults(text: string | undefined): TestFault[] {
  if (text === undefined) return [];
  return text.split(',').map((name) => {
    if (!(TEST_FAULTS as readonly string[]).includes(name)) throw new Error(`--test-fault '${name}' is unknown: use ${TEST_FAULTS.join(', ')} (comma separated)`);
    return name as TestFault;
  });
}

/** The results file's line: what the issue asks each run to add to the total. */
function resultLine(result: RunResult, minutes: number): string {
  return JSON.stringify({
    at: new Date().toISOString(), seed: result.seed, minutes, brokers: result.brokers, partitions: result.partitions,
    nemeses: result.nemeses, ...(result.testFaults.length > 0 ? { testFaults: result.testFaults, unsyncedBytesCut: result.unsyncedBytesCut } : {}), ...(result.nemeses.some(isDisk) ? { disk: result.disk } : {}), steps: result.steps, elapsedS: result.elapsedS, faults: result.faults, operations: result.operations,
    anomalies: result.anomalies.filter((line) => !line.startsWith('  ')).length, anomalyLines: result.anomalies.slice(0, 20),
    longestAckGapByPartitionMs: result.longestAckGapByPartitionMs, ackLatencyMs: result.ackLatencyMs, recoveredAfterMs: result.recoveredAfterMs,
    phases: result.phases.map((p) => [p.phase, p.longestGapMs, p.p99Ms]),
    failureKinds: result.failureKinds, consumerStops: result.consumerStops.length, consumerStopLines: result.consumerStops.slice(0, 10),
    group: { ...result.group, stops: result.group.stops.length }, groupStopLines: result.group.stops.slice(0, 10),
  });
}

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  if (command !== 'run' && command !== 'cleanup') {
    console.error(`chaos: ${command === undefined ? 'no command' : `unknown command '${command}'`}: use run or cleanup\n${USAGE}`);
    return 2;
  }
  const unavailable = unavailableBecause();
  if (unavailable !== undefined) {
    console.error(`chaos: cannot run here: ${unavailable}`);
    return 3;
  }
  if (command === 'cleanup') {
    const running = otherHolder();
    if (running !== undefined) {
      console.error(`chaos: a chaos run (pid ${running}) is using the namespaces; not cleaning up under it`);
      return 3;
    }
    tryLockNetwork(); // takes over a stale lock (its run was killed) …
    const removed = cleanUp();
    unlockNetwork(); // … and leaves none behind
    console.log(removed.length === 0 ? 'chaos: nothing to clean up' : `chaos: removed ${removed.join(', ')}`);
    return 0;
  }
  let opts: Options;
  try {
    opts = options(rest);
  } catch (error) {
    console.error(`chaos: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  console.log(`chaos: seed ${opts.seed}, ${opts.minutes} min, ${opts.brokers} brokers, nemeses ${opts.nemeses.join(',')} (repeat with --seed ${opts.seed})`);
  const result = await runChaos({
    seed: opts.seed, durationMs: opts.minutes * 60_000, brokers: opts.brokers, partitions: opts.partitions,
    nemeses: opts.nemeses, mode: 'random', rate: opts.rate, testFaults: opts.testFaults, log: (line) => console.log(line),
  });
  console.log('phase                                   duration ms  acknowledged  longest gap ms (partition)  p50 ms  p99 ms');
  for (const p of result.phases) {
    console.log(`${p.phase.padEnd(40)}${String(p.durationMs).padStart(11)}${String(p.acknowledged).padStart(14)}${`${p.longestGapMs} (${p.longestGapPartition})`.padStart(28)}${String(p.p50Ms).padStart(8)}${String(p.p99Ms).padStart(8)}`);
  }
  const line = resultLine(result, opts.minutes);
  appendFileSync(opts.results, `${line}\n`);
  console.log(result.anomalies.length === 0 ? 'chaos: no anomaly found' : `chaos: ANOMALIES\n${result.anomalies.join('\n')}`);
  if (result.consumerStops.length > 0) console.log(`chaos: the consumer failed and was replaced ${result.consumerStops.length} times (a liveness finding):\n${result.consumerStops.join('\n')}`);
  console.log(`chaos: consumers ${JSON.stringify(result.consumers.map(({ examples, ...counts }) => counts))}; check ${JSON.stringify(result.check)}`);
  if (result.group.stops.length > 0) console.log(`chaos: a group member failed and was replaced ${result.group.stops.length} times (a liveness finding):\n${result.group.stops.join('\n')}`);
  console.log(`chaos: group ${JSON.stringify({ ...result.group, stops: result.group.stops.length })}`);
  console.log(line);
  console.log(`chaos: appended to ${opts.results}`);
  return result.anomalies.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`chaos: the run failed: ${(error as Error).stack ?? error}`);
    process.exit(3);
  },
);
