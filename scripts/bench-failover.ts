// Failover figures (a benchmark, not a test): on a local cluster started by scripts/cluster.sh,
// the time from kill -9 of a partition's leader to the next acknowledged acks=all produce —
// for a busy partition (one record every 5 ms) and for one that had been idle (quiesced) for
// a few seconds. The killed broker is restarted between runs.
// Run: make build && scripts/cluster.sh up && node dist/scripts/bench-failover.js [--runs 5]
// Prints the figures and writes bench-results/failover.json.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { SluiceClient } from '../src/client';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const RUNS = Number(arg('--runs', '5'));
const DEFINITION = arg('--cluster', 'cluster/three-node.json');
const TOPIC = 'failover-bench';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const trace = (what: string): void => void (process.env.BENCH_TRACE && process.stderr.write(`${new Date().toISOString()} ${what}\n`));

const definition = JSON.parse(readFileSync(DEFINITION, 'utf8')) as { clusterId: string; brokers: { id: number; grpcPort: number }[] };
const brokers = definition.brokers.map((b) => `127.0.0.1:${b.grpcPort}`);
const pidOf = (id: number): number => Number(readFileSync(`.cluster/${definition.clusterId}/node-${id}.pid`, 'utf8'));
const cluster = (...args: string[]): void => void execFileSync('bash', ['scripts/cluster.sh', ...args, DEFINITION], { stdio: 'ignore' });

async function leaderOf(client: SluiceClient): Promise<number> {
  for (;;) {
    const [topic] = await client.admin().describeTopics([TOPIC]);
    const leader = topic?.partitions[0]?.leaderId ?? 0;
    if (leader !== 0) return leader;
    await sleep(50);
  }
}

/** ms from kill -9 of the leader to the next acknowledged produce. */
async function measure(client: SluiceClient, busy: boolean): Promise<number> {
  const producer = client.producer({ acks: 'all', lingerMs: 0 });
  await producer.connect();
  await producer.send({ topic: TOPIC, messages: [{ value: 'warm', partition: 0 }] });
  if (!busy) await sleep(3000); // long enough for the group to quiesce
  const leader = await leaderOf(client);
  trace(`leader ${leader}, busy ${busy}`);
  let killedAt = 0;
  let firstAckAfterKill = 0;
  let stop = false;
  const load = (async () => {
    while (!stop) {
      await producer.send({ topic: TOPIC, messages: [{ value: 'x', partition: 0 }] });
      const now = performance.now();
      if (killedAt > 0 && firstAckAfterKill === 0) firstAckAfterKill = now;
      if (busy) await sleep(5);
      else if (killedAt > 0) break;
    }
  })();
  if (busy) {
    await sleep(1000);
  } else {
    stop = true;
    await load;
  }
  process.kill(pidOf(leader), 'SIGKILL');
  killedAt = performance.now();
  trace('killed');
  if (!busy) {
    await producer.send({ topic: TOPIC, messages: [{ value: 'x', partition: 0 }] });
    firstAckAfterKill = performance.now();
  } else {
    while (firstAckAfterKill === 0) await sleep(5);
    stop = true;
    await load;
  }
  trace('acknowledged after the kill');
  await producer.disconnect();
  cluster('restart', String(leader));
  trace('restarted');
  await sleep(6000); // the restarted broker catches up and takes its preferred partitions back
  return Math.round(firstAckAfterKill - killedAt);
}

async function main(): Promise<void> {
  const client = new SluiceClient({ brokers, retry: { retries: 100, initialBackoffMs: 50, maxBackoffMs: 200 } });
  const admin = client.admin();
  if (!(await admin.listTopics()).some((t) => t.name === TOPIC)) await admin.createTopics([{ name: TOPIC, partitions: 1, replicationFactor: 3 }]);
  const results: { busyMs: number[]; idleMs: number[] } = { busyMs: [], idleMs: [] };
  for (let run = 0; run < RUNS; run++) {
    results.busyMs.push(await measure(client, true));
    results.idleMs.push(await measure(client, false));
    process.stdout.write(`run ${run + 1}: busy partition ${results.busyMs.at(-1)} ms, idle partition ${results.idleMs.at(-1)} ms\n`);
  }
  await client.close();
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  process.stdout.write(`kill -9 of the leader → next acks=all ack: busy median ${median(results.busyMs)} ms, idle median ${median(results.idleMs)} ms\n`);
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/failover.json', JSON.stringify({ runs: RUNS, ...results }, null, 2));
}

main().catch((error: unknown) => {
  process.stderr.write(`bench-failover: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
