// A broker holds at most limits.maxPartitionReplicas partition replicas and one request asks for
// at most limits.maxPartitionsPerCreateRequest new partitions: past either, the request is
// refused with a message naming the limit, the count asked and what is left, and nothing is
// registered (docs/storage.md, "Descriptors and partition limits").
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/common/errors';
import { startBrokerFixture, type BrokerFixture } from './broker-fixture';

const OFFSETS_PARTITIONS = 8;
const MAX_REPLICAS = 20;

describe('broker partition limits', () => {
  let fx: BrokerFixture;
  beforeEach(async () => (fx = await startBrokerFixture({ offsetsTopicPartitions: OFFSETS_PARTITIONS, limits: { maxPartitionReplicas: MAX_REPLICAS, maxPartitionsPerCreateRequest: 16 } })));
  afterEach(async () => fx.close());

  const userTopics = async (): Promise<[string, number][]> => (await fx.admin('listTopics', {})).topics.map((t: any) => [t.name, t.partitions]);

  it('refuses a CreateTopics past the broker-wide replica limit, registering nothing of that topic', async () => {
    const left = MAX_REPLICAS - OFFSETS_PARTITIONS;
    const created = await fx.admin('createTopics', { topics: [{ name: 'fits', partitions: 4 }, { name: 'bomb', partitions: left - 4 + 1 }] });
    assert.deepEqual(created.topics.map((t: any) => [t.name, t.errorCode]), [['fits', ErrorCode.NONE], ['bomb', ErrorCode.POLICY_VIOLATION]]);
    const message: string = created.topics[1].errorMessage;
    assert.match(message, /limits\.maxPartitionReplicas/);
    assert.match(message, new RegExp(`needs ${left - 3} partition replica\\(s\\) on broker 1, which holds ${OFFSETS_PARTITIONS + 4} of its limit of ${MAX_REPLICAS}`));
    assert.match(message, new RegExp(`: ${left - 4} left`));
    assert.deepEqual(await userTopics(), [['fits', 4]]);
    const validated = await fx.admin('createTopics', { topics: [{ name: 'bomb', partitions: left - 4 + 1 }], validateOnly: true });
    assert.equal(validated.topics[0].errorCode, ErrorCode.POLICY_VIOLATION, 'validate_only answers the same');
    const exact = await fx.admin('createTopics', { topics: [{ name: 'exact', partitions: left - 4 }] });
    assert.equal(exact.topics[0].errorCode, ErrorCode.NONE, 'up to the limit is accepted');
  });

  it('refuses a CreatePartitions past the replica limit and leaves the topic as it was', async () => {
    assert.equal((await fx.admin('createTopics', { topics: [{ name: 'grows', partitions: 2 }] })).topics[0].errorCode, ErrorCode.NONE);
    const grown = await fx.admin('createPartitions', { topic: 'grows', totalCount: 2 + MAX_REPLICAS - OFFSETS_PARTITIONS - 1 });
    assert.equal(grown.errorCode, ErrorCode.POLICY_VIOLATION, grown.errorMessage);
    assert.match(grown.errorMessage, /limits\.maxPartitionReplicas/);
    assert.deepEqual(await userTopics(), [['grows', 2]]);
  });

  it('refuses a whole CreateTopics that asks for more new partitions than one request may', async () => {
    const created = await fx.admin('createTopics', { topics: [{ name: 'x', partitions: 9 }, { name: 'y', partitions: 8 }] });
    assert.deepEqual(created.topics.map((t: any) => t.errorCode), [ErrorCode.POLICY_VIOLATION, ErrorCode.POLICY_VIOLATION]);
    assert.equal(created.topics[0].errorMessage, 'this CreateTopics request asks for 17 new partitions in all: at most 16 per request (limits.maxPartitionsPerCreateRequest); nothing was created, send fewer');
    assert.deepEqual(await userTopics(), []);
  });
});
