// A damaged replica is rebuilt from its peers (issue 28; docs/raft.md, "Rebuilding a lost log"):
// a follower's segment file is made unopenable while its broker is down, records are produced
// meanwhile, and the broker restarted: it starts, sets the damaged log aside, catches up from the
// other replicas, and its log ends byte for byte identical to theirs. Real processes.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createTopic, startCluster, type ClusterHarness } from './cluster-harness';
import { ClusterProducer, readAll } from './cluster-producer';
import { until } from '../until';
import { partitionDirOf } from '../partition-dir-of';
import { logBytes as logBytesOf, partitionGauge, replicasOf } from './replica-probes';

const TOPIC = 'rebuilt';

const gauge = (cluster: ClusterHarness, id: number, name: string): Promise<number | undefined> => partitionGauge(cluster, id, TOPIC, name);
const logBytes = (cluster: ClusterHarness, id: number): Buffer => logBytesOf(cluster, id, TOPIC);

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
    const replicas = await replicasOf(cluster, TOPIC);
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
