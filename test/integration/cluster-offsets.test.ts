// Committed group offsets are replicated like data: they survive kill -9 of the group's
// coordinator (the leader of its __consumer_offsets partition), and any broker answers for them.
import assert from 'node:assert/strict';
import { offsetsPartitionFor } from '../../src/consumer-groups/consumer-group-offsets';
import { createTopic, startCluster, type ClusterHarness } from './cluster-harness';
import { ClusterProducer } from './cluster-producer';

describe('cluster: group offsets and topic lifecycle (3 broker processes)', function () {
  let cluster: ClusterHarness;
  before(async () => {
    cluster = await startCluster(3);
    await createTopic(cluster, 'events', 2, 3);
  });
  after(async () => cluster.close());

  const commit = (offset: number) =>
    cluster.retry('a commit', async (id) => {
      const response = await cluster.call(id, 'sluice.v1.Groups', 'commitOffsets', {
        groupId: 'auditors',
        partitions: [
          { topic: 'events', partition: 0, offset },
          { topic: 'events', partition: 1, offset: offset * 2 },
        ],
      });
      return response.partitions.every((p: any) => p.errorCode === 0) ? true : undefined;
    });

  const fetchFrom = (id: number) =>
    cluster.call(id, 'sluice.v1.Groups', 'fetchOffsets', { groupId: 'auditors', partitions: [{ topic: 'events', partition: 0 }, { topic: 'events', partition: 1 }] });

  it('answers from every broker and keeps commits after the coordinator is killed', async () => {
    await commit(40);
    await commit(41);
    for (const id of cluster.ids) {
      const fetched = await cluster.retry(`offsets from broker ${id}`, async () => {
        const r = await fetchFrom(id);
        return r.partitions.every((p: any) => p.errorCode === 0) ? r : undefined;
      });
      assert.deepEqual(fetched.partitions.map((p: any) => p.offset), [41, 82], `broker ${id} answers with the committed offsets`);
    }
    const coordinator = await cluster.leaderOf('__consumer_offsets', offsetsPartitionFor('auditors', 8));
    await cluster.kill(coordinator, 'SIGKILL');
    const after = await cluster.retry('offsets after the coordinator died', async (id) => {
      const r = await fetchFrom(id);
      return r.partitions.every((p: any) => p.errorCode === 0) ? r : undefined;
    });
    assert.deepEqual(after.partitions.map((p: any) => p.offset), [41, 82]);
    await commit(42);
    await cluster.start(coordinator);
    const rejoined = await cluster.retry('offsets through the restarted broker', async () => {
      const r = await fetchFrom(coordinator);
      return r.partitions.every((p: any) => p.errorCode === 0) ? r : undefined;
    });
    assert.deepEqual(rejoined.partitions.map((p: any) => p.offset), [42, 84]);
  });

  it('deletes a topic on every broker and re-creates it empty with fresh replica state', async () => {
    await createTopic(cluster, 'ephemeral', 1, 3);
    await cluster.retry('a first record', async (id) => {
      const leader = await cluster.leaderOf('ephemeral', 0);
      const r = await cluster.call(leader, 'sluice.v1.Data', 'produce', { partitions: [{ topic: 'ephemeral', partition: 0, batch: { records: [{ value: Buffer.from('old') }] } }] });
      return r.partitions[0].errorCode === 0 ? true : undefined;
    });
    await cluster.retry('the delete', async (id) => {
      const r = await cluster.call(id, 'sluice.v1.Admin', 'deleteTopics', { names: ['ephemeral'] });
      return r.topics[0].errorCode === 0 ? true : undefined;
    });
    await createTopic(cluster, 'ephemeral', 1, 3);
    const fresh = await cluster.retry('the new topic to have an empty leader', async (id) => {
      const d = await cluster.call(id, 'sluice.v1.Admin', 'describeTopics', { names: ['ephemeral'] });
      const p = d.topics[0].partitions[0];
      return p && p.leaderId ? p : undefined;
    });
    assert.equal(fresh.logEndOffset, 0);
    assert.equal(fresh.highWatermark, 0);
  });

  it('serves Raft round timings on /metrics: proposal to commit on the leader, persist on every replica', async () => {
    await createTopic(cluster, 'timed', 1, 3);
    const producer = new ClusterProducer(cluster, 'timed', 0);
    await producer.init();
    for (let i = 0; i < 5; i++) await producer.send([`t${i}`]);
    const leader = await cluster.leaderOf('timed', 0);
    const count = (body: string, name: string): number => Number(new RegExp(`^${name}_count (\\d+)$`, 'm').exec(body)?.[1] ?? NaN);
    for (const id of cluster.ids) {
      const body = await (await fetch(`http://127.0.0.1:${cluster.processes.get(id)!.httpPort}/metrics`)).text();
      assert.ok(count(body, 'sluice_raft_persist_seconds') >= 5, `broker ${id} persisted fewer than the 5 batches: ${count(body, 'sluice_raft_persist_seconds')}`);
      if (id === leader) assert.ok(count(body, 'sluice_raft_commit_seconds') >= 5, `leader ${id} timed ${count(body, 'sluice_raft_commit_seconds')} commits`);
    }
  });
});
