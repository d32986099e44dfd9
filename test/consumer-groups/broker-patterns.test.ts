// Pattern subscriptions served by a broker (in-process, real gRPC, raw requests): RE2 patterns
// evaluated on the coordinator, following topics created and deleted after the member joined.
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/common/errors';
import { startBrokerFixture, type BrokerFixture } from '../broker/broker-fixture';
import { until } from '../until';

const GROUP = 'audit';
type Assignment = { topic: string; partitions: number[] }[];
const show = (a: Assignment): string => a.map((tp) => `${tp.topic}:${tp.partitions.slice().sort((x, y) => x - y).join(',')}`).sort().join(' ');

describe('consumer groups on the broker: RE2 subscription patterns', () => {
  let fx: BrokerFixture;
  beforeEach(async () => {
    fx = await startBrokerFixture({ groupSessionTimeoutMs: 5_000, groupHeartbeatIntervalMs: 100 });
    await fx.admin('createTopics', { topics: [{ name: 'orders-eu', partitions: 2 }, { name: 'payments', partitions: 1 }] });
  });
  afterEach(async () => fx.close());

  it('assigns the topics a pattern matches, follows topics created and deleted later, never matches internal topics', async () => {
    const join = await fx.groups('consumerGroupHeartbeat', { groupId: GROUP, subscribedTopicRegex: 'orders-.*|__.*' });
    assert.equal(join.errorCode, ErrorCode.NONE, join.errorMessage);
    let memberEpoch: number = join.memberEpoch;
    let owned: Assignment = join.assignment;
    assert.equal(show(owned), 'orders-eu:0,1');
    /** Heartbeats (owning what it was given) until the assignment reads `expected`. */
    const assignedBecomes = (expected: string) =>
      until(async () => {
        const answer = await fx.groups('consumerGroupHeartbeat', { groupId: GROUP, memberId: join.memberId, memberEpoch, ownedPartitions: owned });
        assert.equal(answer.errorCode, ErrorCode.NONE, answer.errorMessage);
        memberEpoch = answer.memberEpoch;
        owned = answer.assignment;
        return show(owned) === expected;
      }, `assignment ${expected}`);

    await fx.admin('createTopics', { topics: [{ name: 'orders-us', partitions: 3 }, { name: 'ordersx', partitions: 1 }] });
    await assignedBecomes('orders-eu:0,1 orders-us:0,1,2');
    await fx.admin('deleteTopics', { names: ['orders-eu'] });
    await assignedBecomes('orders-us:0,1,2');
    const [described] = (await fx.groups('describeGroups', { groupIds: [GROUP] })).groups;
    assert.equal(described.members[0].subscribedTopicRegex, 'orders-.*|__.*');
  });

  it('refuses an invalid pattern with INVALID_REGULAR_EXPRESSION and the reason', async () => {
    const cases: [string, RegExp][] = [
      ['orders-(', /"orders-\(" is not valid RE2 syntax: error parsing regexp: missing closing \)/],
      ['(?!internal).*', /not valid RE2 syntax: .*invalid or unsupported Perl syntax/],
    ];
    for (const [pattern, reason] of cases) {
      const answer = await fx.groups('consumerGroupHeartbeat', { groupId: GROUP, subscribedTopicRegex: pattern });
      assert.equal(answer.errorCode, ErrorCode.INVALID_REGULAR_EXPRESSION, pattern);
      assert.match(answer.errorMessage, reason);
    }
    const [described] = (await fx.groups('describeGroups', { groupIds: [GROUP] })).groups;
    assert.equal(described.members.length, 0, 'a refused join adds no member');
  });
});
