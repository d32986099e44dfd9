// In a cluster too, a topic with the longest accepted name (249 characters) is deleted on every
// broker and re-created empty, and a broker killed afterwards starts again and catches up
// (partition directories are named by the topic id: docs/storage.md).
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createTopic, startCluster, type ClusterHarness } from './cluster-harness';
import { until } from '../until';

const LONG_NAME = `long.${'c'.repeat(240)}_end`;

describe('cluster: a topic with the longest accepted name (3 broker processes)', function () {
  let cluster: ClusterHarness;
  before(async () => (cluster = await startCluster(3)));
  after(async () => cluster.close());

  const produce = (value: string): Promise<true> =>
    cluster.retry(`a produce of ${value}`, async () => {
      const leader = await cluster.leaderOf(LONG_NAME, 0);
      const r = await cluster.call(leader, 'sluice.v1.Data', 'produce', { partitions: [{ topic: LONG_NAME, partition: 0, batch: { records: [{ value: Buffer.from(value) }] } }] });
      return r.partitions[0].errorCode === 0 ? true : undefined;
    });
  const valuesOn = async (id: number): Promise<string[] | undefined> => {
    const r = await cluster.call(id, 'sluice.v1.Data', 'fetch', { partitions: [{ topic: LONG_NAME, partition: 0, offset: 0, maxBytes: 1 << 20 }] }).catch(() => undefined);
    const result = r?.partitions[0];
    if (result?.errorCode !== 0) return undefined;
    return result.batches.flatMap((b: any) => b.batch.records.map((rec: any) => Buffer.from(rec.value).toString()));
  };
  const topicDirs = (id: number): string[] => readdirSync(join(cluster.dir, `node-${id}`, 'partitions')).filter((name) => name.startsWith('long.'));

  it('is deleted on every broker, re-created empty, and served after a broker restarts', async () => {
    await createTopic(cluster, LONG_NAME, 1, 3);
    await produce('old');
    await cluster.retry('the delete', async (id) => {
      const r = await cluster.call(id, 'sluice.v1.Admin', 'deleteTopics', { names: [LONG_NAME] });
      return r.topics[0].errorCode === 0 ? true : undefined;
    });
    for (const id of cluster.ids) await until(() => topicDirs(id).length === 0, `broker ${id} to remove the deleted topic's directory`);
    await createTopic(cluster, LONG_NAME, 1, 3);
    await produce('new');
    const leader = await cluster.leaderOf(LONG_NAME, 0);
    assert.deepEqual(await cluster.retry('the leader\'s records', () => valuesOn(leader)), ['new']);

    const restarted = cluster.ids.find((id) => id !== leader)!;
    await cluster.kill(restarted, 'SIGKILL');
    await cluster.start(restarted);
    await produce('after-restart');
    for (const id of cluster.ids) {
      await until(() => topicDirs(id).length === 1, `broker ${id} to hold one directory of the topic`);
    }
    const values = await cluster.retry('all records from the leader', async () => {
      const now = await valuesOn(await cluster.leaderOf(LONG_NAME, 0));
      return now?.length === 2 ? now : undefined;
    });
    assert.deepEqual(values, ['new', 'after-restart']);
  });
});
