// In a cluster the Raft entry prefix carries producer_epoch as int32: a batch with an epoch
// outside int16 used to replicate, throw in every replica's entry writer and leave the partition
// inert on all of them until restart. It is refused at the edge, before it is proposed.
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/common/errors';
import { createTopic, startCluster, type ClusterHarness } from './cluster-harness';

describe('cluster: a batch header field out of range never reaches the Raft log', function () {
  this.timeout(120_000);
  let cluster: ClusterHarness;
  before(async () => {
    cluster = await startCluster(3);
    await createTopic(cluster, 'ranges', 1, 3);
  });
  after(() => cluster.close());

  const produce = (value: string, producerId: number, producerEpoch: number): Promise<{ errorCode: number; errorMessage: string; baseOffset: number }> =>
    cluster.retry(`a produce of ${value}`, async () => {
      const leader = await cluster.leaderOf('ranges', 0);
      const batch = { baseTimestampMs: Date.now(), producerId, producerEpoch, baseSequence: 0, records: [{ value: Buffer.from(value) }] };
      const response = await cluster.call(leader, 'sluice.v1.Data', 'produce', { partitions: [{ topic: 'ranges', partition: 0, batch }] });
      const result = response.partitions[0];
      return result.errorCode === ErrorCode.NOT_LEADER ? undefined : result;
    });

  it('refuses producer_epoch 40000 with INVALID_RECORD, and the partition keeps taking writes on every replica', async () => {
    const leader = await cluster.leaderOf('ranges', 0);
    const { producerId } = await cluster.call(leader, 'sluice.v1.Data', 'initProducer', {});
    const refused = await produce('bad', producerId, 40000);
    assert.equal(refused.errorCode, ErrorCode.INVALID_RECORD, refused.errorMessage);
    const stored = await produce('good', 0, 0);
    assert.equal(stored.errorCode, ErrorCode.NONE, stored.errorMessage);
    assert.equal(stored.baseOffset, 0, 'the refused batch took no offset');
    // Every replica holds the good batch: none of them went inert.
    await cluster.retry('every replica to hold the good batch', async () => {
      for (const id of cluster.ids) {
        const described = await cluster.call(id, 'sluice.v1.Admin', 'describeTopics', { names: ['ranges'] });
        if (described.topics[0].partitions[0].logEndOffset !== 1) return undefined;
      }
      return true;
    });
  });
});
