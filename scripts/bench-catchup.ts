// Follower catch-up figures (a benchmark, not a test): on a local cluster started by
// scripts/cluster.sh, a follower of a fresh RF=3 topic is stopped (SIGSTOP) while N records are
// produced to its leader, then resumed; the figure is the time until its log end offset equals
// the leader's. Most of what it lacks is older than the leader's entry cache (raftEntryCacheBytes),
// so this measures replication from disk.
// Run: make build && scripts/cluster.sh up && node dist/scripts/bench-catchup.js [--runs 3] [--records 300000] [--record-bytes 1024]
// Prints the figures and writes bench-results/catchup.json.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { SluiceClient } from '../src/client';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const RUNS = Number(arg('--runs', '3'));
const RECORDS = Number(arg('--records', '300000'));
const RECORD_BYTES = Number(arg('--record-bytes', '1024'));
const DEFINITION = arg('--cluster', 'cluster/three-node.json');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Member { id: number; grpcPort: number; httpPort: number }
const definition = JSON.parse(readFileSync(DEFINITION, 'utf8')) as { clusterId: string; brokers: Member[] };
const member = (id: number): Member => definition.brokers.find((b) => b.id === id)!;
const pidOf = (id: number): number => Number(readFileSync(`.cluster/${definition.clusterId}/node-${id}.pid`, 'utf8'));

/** A partition gauge of `topic` from a broker's /metrics. */
async function gauge(id: number, name: string, topic: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${member(id).httpPort}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{topic="${topic}",partition="0"}`));
  return line === undefined ? -1 : Number(line.split(' ').at(-1));
}

async function leaderOf(client: SluiceClient, topic: string): Promise<number> {
  for (;;) {
    const [described] = await client.admin().describeTopics([topic]);
    const leader = described?.partitions[0]?.leaderId ?? 0;
    if (leader !== 0) return leader;
    await sleep(50);
  }
}

interface Run { records: number; bytes: number; seconds: number; mbPerSecond: number }

async function measure(run: number): Promise<Run> {
  const topic = `catchup-bench-${Date.now()}-${run}`;
  const all = definition.brokers.map((b) => `127.0.0.1:${b.grpcPort}`);
  const setup = new SluiceClient({ brokers: all });
  await setup.admin().createTopics([{ name: topic, partitions: 1, replicationFactor: 3, configs: { 'flush.policy': 'interval' } }]);
  const leader = await leaderOf(setup, topic);
  await setup.close();
  const follower = definition.brokers.map((b) => b.id).find((id) => id !== leader)!;

  // Only the leader in the client's list: a stopped broker would hold its metadata requests.
  const client = new SluiceClient({ brokers: [`127.0.0.1:${member(leader).grpcPort}`] });
  const producer = client.producer({ acks: 'all' });
  await producer.connect();
  await producer.produce(topic, { value: 'warm-up' });
  process.kill(pidOf(follower), 'SIGSTOP');
  try {
    const value = Buffer.alloc(RECORD_BYTES, 120);
    let failed = 0;
    for (let i = 0; i < RECORDS; i++) {
      producer.produce(topic, { value }, (error) => { if (error) failed++; });
      if (producer.bufferedBytes > 16 << 20) await sleep(1);
    }
    await producer.flush();
    if (failed > 0) throw new Error(`${failed} records failed while the follower was stopped`);
  } finally {
    process.kill(pidOf(follower), 'SIGCONT');
  }
  const resumedAt = performance.now();
  await producer.disconnect();
  await client.close();
  const target = await gauge(leader, 'sluice_log_end_offset', topic);
  while ((await gauge(follower, 'sluice_log_end_offset', topic)) !== target) await sleep(20);
  const seconds = (performance.now() - resumedAt) / 1000;
  const bytes = await gauge(follower, 'sluice_log_size_bytes', topic);
  return { records: target, bytes, seconds: Number(seconds.toFixed(3)), mbPerSecond: Number((bytes / seconds / 1e6).toFixed(1)) };
}

async function main(): Promise<void> {
  const runs: Run[] = [];
  for (let run = 0; run < RUNS; run++) {
    runs.push(await measure(run));
    const r = runs.at(-1)!;
    process.stdout.write(`run ${run + 1}: ${r.records} records, ${(r.bytes / 1e6).toFixed(0)} MB caught up in ${r.seconds} s (${r.mbPerSecond} MB/s)\n`);
  }
  const median = [...runs].sort((a, b) => a.mbPerSecond - b.mbPerSecond)[Math.floor(runs.length / 2)]!;
  process.stdout.write(`follower catch-up after SIGSTOP: median ${median.mbPerSecond} MB/s (${median.seconds} s for ${(median.bytes / 1e6).toFixed(0)} MB)\n`);
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/catchup.json', `${JSON.stringify({ createdAt: new Date().toISOString(), records: RECORDS, recordBytes: RECORD_BYTES, runs }, null, 2)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench-catchup: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
