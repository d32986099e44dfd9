// A damaged replica is rebuilt from its peers (issue 28; docs/raft.md, "Rebuilding a lost log"):
// a follower's segment file is made unopenable while its broker is down, records are produced
// meanwhile, and the broker restarted: it starts, sets the damaged log aside, catches up from the
// other replicas, and its log ends byte for byte identical to theirs. Real processes.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createTopic, startCluster, type ClusterHarness } from './cluster-harness';
import { ClusterProducer, readAll } from './cluster-producer';
import { until } from '../until';
import { partitionDirOf } from '../partition-dir-of';

const TOPIC = 'rebuilt';

/** One broker's value of a per-partition gauge of TOPIC/0, from its /metrics. */
async function gauge(cluster: ClusterHarness, id: number, name: string): Promise<number | undefined> {
  const broker = cluster.processes.get(id);
  if (!broker) return undefined;
  const text = await (await fetch(`http://127.0.0.1:${broker.httpPort}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{topic="${TOPIC}",partition="0"}`));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

/** The brokers holding a replica of TOPIC/0. */
async function replicasOf(cluster: ClusterHarness): Promise<number[]> {
  return cluster.retry(`the replicas of ${TOPIC}/0`, async (id) => {
    const described = await cluster.call(id, 'sluice.v1.Admin', 'describeTopics', { names: [TOPIC] });
    const replicas = described.topics[0]?.partitions.find((p: any) => p.partition === 0)?.replicas;
    return Array.isArray(replicas) && replicas.length > 0 ? (replicas as number[]) : undefined;
  });
}

/** The entries of a replica's log: its segment files, in order, concatenated. */
function logBytes(cluster: ClusterHarness, id: number): Buffer {
  const dir = partitionDirOf(join(cluster.dir, `node-${id}`), TOPIC, 0);
  const segments = readdirSync(dir).filter((f) => f.endsWith('.log')).sort();
  return Buffer.concat(segments.map((f) => readFileSync(join(dir, f))));
}

describe('rebuilding a damaged replica from its peers (3 broker processes)', function () {
  this.timeout(240_000);
  let cluster: ClusterHarness | undefined;
  afterEach(async () => cluster?.close());

  /**
   * With two replicas nothing commits while one is down, so nothing is produced then; the healthy
   * replica is elected with the rebuilding one's vote (docs/raft.md, "Two voters").
   */
  const rebuilds = async (replicationFactor: number): Promise<void> => {
    cluster = await startCluster(3);
    await createTopic(cluster, TOPIC, 1, replicationFactor);
    const producer = new ClusterProducer(cluster, TOPIC, 0);
    await producer.init();
    const sent: string[] = [];
    const send = async (tag: string, batches: number): Promise<void> => {
      for (let b = 0; b < batches; b++) {
        const values = Array.from({ length: 5 }, (_, i) => `${tag}-${b}-${i}`);
        await producer.send(values);
        sent.push(...values);
      }
    };
    await send('before', 30);
    const leader = await cluster.leaderOf(TOPIC, 0);
    const replicas = await replicasOf(cluster);
    const damaged = replicas.find((id) => id !== leader)!;
    await cluster.kill(damaged);

    // Beyond what log recovery repairs: the first segment file cannot be opened (it is a directory).
    const segment = join(partitionDirOf(join(cluster.dir, `node-${damaged}`), TOPIC, 0), '00000000000000000000.log');
    rmSync(segment);
    mkdirSync(segment);
    if (replicationFactor > 2) await send('while-down', 20);

    const holders = replicas;
    const allHold = (total: number): Promise<boolean> =>
      until(
        async () => {
          for (const id of holders) {
            if ((await gauge(cluster!, id, 'sluice_log_end_offset')) !== total) return false;
            if ((await gauge(cluster!, id, 'sluice_high_watermark')) !== total) return false;
          }
          return true;
        },
        `every replica of ${TOPIC}/0 holding and committing all ${total} records`,
        { maxWaitMs: 120_000, intervalMs: 200 },
      );
    // Nothing is produced until the replica has caught up: an idle (quiet) leader must be woken
    // by the rebuilding replica itself.
    await cluster.start(damaged);
    await allHold(sent.length);
    await send('after', 20);
    await allHold(sent.length);
    assert.match(cluster.processes.get(damaged)!.output(), new RegExp(`moved the damaged log of ${TOPIC}/0 to .*: the replica starts empty`));
    const read = await readAll(cluster, TOPIC, 0);
    assert.deepEqual(read.values, sent);
    const asideDir = join(cluster.dir, `node-${damaged}`, 'damaged');
    assert.ok(existsSync(asideDir) && readdirSync(asideDir).some((name) => name.startsWith(`${TOPIC}@`) && name.includes('-0.')), 'the damaged log is kept aside');

    // Stopped cleanly, every replica's log is the same bytes: entries, terms, offsets, append times.
    // All at once: stopped one by one, the last two would elect a leader whose first entry the
    // first one stopped never gets.
    await Promise.all(cluster.ids.map((id) => cluster!.kill(id, 'SIGTERM')));
    const reference = logBytes(cluster, leader);
    for (const id of holders) assert.ok(logBytes(cluster, id).equals(reference), `broker ${id}'s log of ${TOPIC}/0 is identical to broker ${leader}'s`);
  };

  it('restarts the broker, catches the replica up, and ends with a log identical to the others', () => rebuilds(3));

  it("with two replicas: elects the healthy one with the rebuilding one's vote, and ends identical", () => rebuilds(2));
});
