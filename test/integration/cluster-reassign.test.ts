// Membership changes with real broker processes: moving a partition onto a broker that held none
// of it and off another one, and draining a broker, while acks=all writes flow. Nothing
// acknowledged is lost or duplicated, and the broker that leaves deletes its copy only after.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { TopicId } from '../../src/common/topic-id';
import { StorageEngine } from '../../src/storage/storage-engine';
import { DEFAULT_LOG_CONFIG } from '../../src/storage/types';
import { createTopic, startCluster, type ClusterHarness } from './cluster-harness';
import { ClusterProducer, produceUntil as produceBatchesUntil, readAll } from './cluster-producer';
import { until } from '../until';

interface PartitionView {
  replicas: number[];
  retiring: number[];
  voters: number[];
  learners: number[];
  leaderId: number;
}

describe('cluster: reassignment, drain and a broker joining under load (real broker processes)', function () {
  let cluster: ClusterHarness;
  afterEach(async () => cluster?.close());

  /** The partition as its leader describes it (voters are exact there). */
  const describeOnLeader = (topic: string, partition: number): Promise<PartitionView> =>
    cluster.retry(`the leader's view of ${topic}/${partition}`, async (id) => {
      const described = await cluster.call(id, 'sluice.v1.Admin', 'describeTopics', { names: [topic] });
      const p = described.topics[0]?.partitions.find((x: PartitionView & { partition: number }) => x.partition === partition);
      return p && p.leaderId === id ? (p as PartitionView) : undefined;
    });

  async function moveFinished(topic: string, partition: number, replicas: number[]): Promise<void> {
    await cluster.retry(`${topic}/${partition} to finish moving to ${replicas}`, async () => {
      const view = await describeOnLeader(topic, partition);
      const done = view.retiring.length === 0 && view.learners.length === 0 && [...view.voters].sort().join() === [...replicas].sort().join();
      return done ? true : undefined;
    }, 60_000);
  }

  /** Produces until `stop()`; `acked` records each acknowledged value as it comes. */
  async function produceUntil(topic: string, stop: () => boolean, tag: string, acked: Map<string, number>): Promise<Map<string, number>> {
    const producer = new ClusterProducer(cluster, topic, 0);
    await producer.init();
    return produceBatchesUntil(producer, stop, tag, acked);
  }

  async function assertAllAcknowledgedOnce(topic: string, acked: Map<string, number>): Promise<number> {
    const { offsets } = await readAll(cluster, topic, 0);
    for (const [value, offset] of acked) assert.equal(offsets.get(value), offset, `acknowledged ${value} at ${offset}`);
    return Math.max(...offsets.values()) + 1;
  }

  it('moves a partition onto a new broker and off an old one while acks=all writes flow', async () => {
    cluster = await startCluster(4);
    await createTopic(cluster, 'moving', 1, 3);
    const before = await describeOnLeader('moving', 0);
    const newcomer = cluster.ids.find((id) => !before.replicas.includes(id))!;
    const leaving = before.leaderId; // the hardest case: the leader itself leaves
    const target = [...before.replicas.filter((id) => id !== leaving), newcomer];

    let moved = false;
    let afterMove = 0;
    const ackedSoFar = new Map<string, number>();
    const producing = produceUntil('moving', () => moved && ++afterMove > 30, 'm', ackedSoFar);
    await until(() => ackedSoFar.size >= 100, 'writes flowing before the move');
    const ackedBeforeMove = ackedSoFar.size;
    const answer = await cluster.retry('the reassignment to be accepted', async (id) => {
      const r = await cluster.call(id, 'sluice.v1.Admin', 'reassignPartitions', { reassignments: [{ topic: 'moving', partition: 0, replicas: target }] });
      return r.results[0].errorCode === 0 ? r.results[0] : undefined;
    });
    assert.equal(answer.errorCode, 0);
    await moveFinished('moving', 0, target);
    moved = true;
    const acked = await producing;
    assert.ok(acked.size > ackedBeforeMove, `writes flowed before and after the move (${ackedBeforeMove}, then ${acked.size} acknowledged)`);
    const end = await assertAllAcknowledgedOnce('moving', acked);

    await cluster.retry('the old replica to delete its copy', async () => {
      const d = await cluster.call(leaving, 'sluice.v1.Admin', 'describeTopics', { names: ['moving'] });
      return d.topics[0].partitions[0].logEndOffset === -1 ? true : undefined;
    });
    const topicId = await cluster.retry('every new replica to catch up', async () => {
      let id: TopicId | undefined;
      for (const broker of target) {
        const d = await cluster.call(broker, 'sluice.v1.Admin', 'describeTopics', { names: ['moving'] });
        if (d.topics[0].partitions[0].highWatermark < end) return undefined;
        id = d.topics[0].topicId;
      }
      return id;
    });
    for (const id of cluster.ids) await cluster.kill(id, 'SIGTERM');
    const logs = [];
    for (const id of target) {
      const engine = await StorageEngine.open({ dataDir: join(cluster.dir, `node-${id}`) });
      const log = await engine.openLog('moving', 0, DEFAULT_LOG_CONFIG, topicId);
      const read = await log.read(0 as never, end as never, 64 << 20);
      logs.push(read.entries.map((e) => `${e.header.baseOffset}/${e.header.term}/${e.header.crc}`).join(' '));
      await engine.close();
    }
    assert.equal(logs[1], logs[0], 'replica logs are identical');
    assert.equal(logs[2], logs[0], 'replica logs are identical');
  });

  it('drains a broker under load, then survives its kill -9 with every record and committed offset', async () => {
    cluster = await startCluster(4);
    await createTopic(cluster, 'drained', 1, 3);
    const holder = (await describeOnLeader('drained', 0)).replicas[0]!;
    await cluster.retry('an offset commit', async (id) => {
      const r = await cluster.call(id, 'sluice.v1.Groups', 'commitOffsets', { groupId: 'g', partitions: [{ topic: 'drained', partition: 0, offset: 7, metadata: 'm' }] });
      return r.partitions?.[0]?.errorCode === 0 ? true : undefined;
    });

    let drained = false;
    let afterDrain = 0;
    const ackedSoFar = new Map<string, number>();
    const producing = produceUntil('drained', () => drained && ++afterDrain > 30, 'd', ackedSoFar);
    await until(() => ackedSoFar.size >= 100, 'writes flowing before the drain');
    const moves = await cluster.retry('the drain to be accepted', async (id) => {
      const r = await cluster.call(id, 'sluice.v1.Admin', 'drainBroker', { brokerId: holder });
      return r.errorCode === 0 ? r.moves : undefined;
    });
    assert.ok(moves.some((m: { topic: string }) => m.topic === 'drained'), 'the drain moves the topic partition');
    for (const move of moves) await moveFinished(move.topic, move.partition, move.replicas);
    drained = true;
    const acked = await producing;

    await cluster.kill(holder, 'SIGKILL');
    await assertAllAcknowledgedOnce('drained', acked);
    const fetched = await cluster.retry('the committed offset after the drained broker died', async (id) => {
      const r = await cluster.call(id, 'sluice.v1.Groups', 'fetchOffsets', { groupId: 'g', partitions: [{ topic: 'drained', partition: 0 }] });
      return r.partitions?.[0]?.errorCode === 0 ? r.partitions[0] : undefined;
    });
    assert.equal(Number(fetched.offset), 7);
    const cluster2 = await cluster.retry('the cluster description', async (id) => cluster.call(id, 'sluice.v1.Admin', 'describeCluster', {}));
    assert.equal(cluster2.brokers.find((b: { id: number }) => b.id === holder).draining, true);
    const refused = await cluster.retry('a reassignment onto the drained broker to be refused', async (id) => {
      const r = await cluster.call(id, 'sluice.v1.Admin', 'reassignPartitions', { reassignments: [{ topic: 'drained', partition: 0, replicas: [holder] }] });
      return r.results[0].errorCode !== 0 ? r.results[0] : undefined;
    });
    assert.match(refused.errorMessage, /drain/);
  });

  it('adds a broker to a running 3-broker cluster and removes another, under load, losing nothing', async () => {
    cluster = await startCluster(3, { spares: 1 });
    await createTopic(cluster, 'growing', 1, 3);
    let done = false;
    let afterDone = 0;
    const ackedSoFar = new Map<string, number>();
    const producing = produceUntil('growing', () => done && ++afterDone > 30, 'g', ackedSoFar);
    await until(() => ackedSoFar.size >= 100, 'writes flowing before the join');

    await cluster.join(4);
    const registered = await cluster.retry('broker 4 to be registered', async (id) => {
      const d = await cluster.call(id, 'sluice.v1.Admin', 'describeCluster', {});
      return d.brokers.some((b: { id: number }) => b.id === 4) ? d : undefined;
    });
    assert.equal(registered.brokers.length, 4);
    await cluster.retry('broker 4 to learn the topics from the metadata', async () => {
      const listed = await cluster.call(4, 'sluice.v1.Admin', 'listTopics', {});
      return listed.topics.some((t: { name: string }) => t.name === 'growing') ? true : undefined;
    });
    const moves = await cluster.retry('broker 1 to be drained onto broker 4', async (id) => {
      const r = await cluster.call(id, 'sluice.v1.Admin', 'drainBroker', { brokerId: 1 });
      return r.errorCode === 0 ? r.moves : undefined;
    });
    for (const move of moves) {
      assert.ok(move.replicas.includes(4), `${move.topic}/${move.partition} moves to the new broker`);
      await moveFinished(move.topic, move.partition, move.replicas);
    }
    done = true;
    const acked = await producing;
    await cluster.kill(1, 'SIGKILL');
    await assertAllAcknowledgedOnce('growing', acked);
    const after = new ClusterProducer(cluster, 'growing', 0);
    await after.init();
    assert.ok((await after.send(['after-broker-1-left'])) >= acked.size, 'the cluster without broker 1 still commits');
  });
});
