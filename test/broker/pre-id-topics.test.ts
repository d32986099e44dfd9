// A data directory written before topics had ids opens unchanged in meaning: its CreateTopic
// commands carry no id (each topic gets one derived from its name and creation time), its
// partition directories are named `<topic>-<p>` (renamed to the id's at the next open) and its
// Raft groups `<topic>/<p>` (kept, with their terms and votes). docs/storage.md tells the layout.
import assert from 'node:assert/strict';
import { readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { legacyTopicId } from '../../src/common/topic-id';
import { startBrokerFixture, type BrokerFixture } from './broker-fixture';

describe('topics created before topics had ids', () => {
  let fx: BrokerFixture;
  beforeEach(async () => (fx = await startBrokerFixture()));
  afterEach(async () => fx.close());

  const values = async (): Promise<string[]> => {
    const r = (await fx.data('fetch', { partitions: [{ topic: 'old', partition: 0, offset: 0, maxBytes: 1 << 20 }] })).partitions[0];
    assert.equal(r.errorCode, 0, r.errorMessage);
    return r.batches.flatMap((b: any) => b.batch.records.map((rec: any) => Buffer.from(rec.value).toString()));
  };

  it('keep their records, Raft terms and committed offsets, and their directories are renamed to the derived id once', async () => {
    // A CreateTopic as a broker before ids proposed it: no topicId.
    await fx.broker.context.cluster.propose({ type: 'CreateTopic', name: 'old', partitions: 1, replicationFactor: 1, config: {}, internal: false, nowMs: 1_000 });
    const topicId = legacyTopicId('old', 1_000);
    assert.equal((await fx.admin('describeTopics', { names: ['old'] })).topics[0].topicId, topicId);
    for (const v of ['a', 'b']) {
      const r = await fx.data('produce', { partitions: [{ topic: 'old', partition: 0, batch: { records: [{ value: Buffer.from(v) }] } }] });
      assert.equal(r.partitions[0].errorCode, 0, r.partitions[0].errorMessage);
    }
    const commit = await fx.groups('commitOffsets', { groupId: 'g', partitions: [{ topic: 'old', partition: 0, offset: 1 }] });
    assert.equal(commit.partitions[0].errorCode, 0, commit.partitions[0].errorMessage);
    const epoch = fx.broker.context.partitions.get('old', 0)!.leaderEpoch;
    await fx.close({ keepData: true });
    // The directory as a broker before ids named it.
    const partitions = join(fx.dataDir, 'partitions');
    renameSync(join(partitions, `old@${topicId}-0`), join(partitions, 'old-0'));

    fx = await startBrokerFixture({}, fx.dataDir);
    assert.deepEqual(await values(), ['a', 'b']);
    assert.ok(fx.broker.context.partitions.get('old', 0)!.leaderEpoch > epoch, 'its Raft group kept its term');
    const fetched = await fx.groups('fetchOffsets', { groupId: 'g', partitions: [{ topic: 'old', partition: 0 }] });
    assert.equal(Number(fetched.partitions[0].offset), 1);
    assert.deepEqual(readdirSync(partitions).filter((n) => n.startsWith('old')), [`old@${topicId}-0`]);
    fx = await fx.restart();
    assert.deepEqual(await values(), ['a', 'b']);
  });
});
