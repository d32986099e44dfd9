import { strict as assert } from 'node:assert';
import { checkOffsetCommit } from '../../../src/consumer-groups/coordinator/commit-fencing';
import { beat, newGroup, ok, show } from './harness';

describe('consumer group coordinator', () => {
  it('gives a first member every partition and reaches stable at epoch 1', () => {
    const g = newGroup({ t: 4 });
    const r = ok(beat(g, { memberId: '', memberEpoch: 0, subscribedTopicNames: ['t'] }, 0));
    assert.equal(r.memberId, 'm1');
    assert.equal(r.memberEpoch, 1);
    assert.equal(show(r.assignment), 't:0,1,2,3');
    assert.equal(g.group.state(), 'stable');
  });

  it('revokes from the owner before granting to a joiner, and keeps the partitions that stay', () => {
    const g = newGroup({ t: 4 });
    ok(beat(g, { memberId: 'a', memberEpoch: 0, subscribedTopicNames: ['t'] }, 0));
    const b1 = ok(beat(g, { memberId: 'b', memberEpoch: 0, subscribedTopicNames: ['t'] }, 1));
    assert.equal(b1.memberEpoch, 2);
    assert.equal(show(b1.assignment), '', 'b gets nothing while a still owns the partitions');
    assert.equal(g.group.member('b')!.state, 'unreleased_partitions');
    assert.equal(g.group.state(), 'reconciling');
    // a is told to keep two partitions; its epoch stays until it revokes.
    const a1 = ok(beat(g, { memberId: 'a', memberEpoch: 1, ownedPartitions: [{ topic: 't', partitions: [0, 1, 2, 3] }] }, 2));
    assert.equal(a1.memberEpoch, 1);
    assert.equal(show(a1.assignment), 't:0,1');
    assert.equal(g.group.member('a')!.state, 'unrevoked_partitions');
    assert.deepEqual([...g.group.member('a')!.pendingRevocation.keys()], ['t:2', 't:3']);
    const a2 = ok(beat(g, { memberId: 'a', memberEpoch: 1, ownedPartitions: [{ topic: 't', partitions: [0, 1] }] }, 3));
    assert.equal(a2.memberEpoch, 2);
    assert.equal(show(a2.assignment), 't:0,1');
    assert.equal(g.group.member('a')!.assigned.get('t:0' as never), 1, 'a partition that stays keeps the epoch it was assigned at');
    const b2 = ok(beat(g, { memberId: 'b', memberEpoch: 2, ownedPartitions: [] }, 4));
    assert.equal(show(b2.assignment), 't:2,3');
    assert.equal(g.group.state(), 'stable');
  });

  it('cancels a revocation when the newest target gives the partition back', () => {
    const g = newGroup({ t: 2 });
    ok(beat(g, { memberId: 'a', memberEpoch: 0, subscribedTopicNames: ['t'] }, 0));
    ok(beat(g, { memberId: 'b', memberEpoch: 0, subscribedTopicNames: ['t'] }, 0));
    assert.equal(show(ok(beat(g, { memberId: 'a', memberEpoch: 1 }, 1)).assignment), 't:0', 'a must give t:1 to b');
    ok(beat(g, { memberId: 'b', memberEpoch: -1 }, 2));
    const a = ok(beat(g, { memberId: 'a', memberEpoch: 1, ownedPartitions: [{ topic: 't', partitions: [0, 1] }] }, 3));
    assert.equal(show(a.assignment), 't:0,1', 't:1 stays: b left before a revoked it');
    assert.equal(g.group.member('a')!.assigned.get('t:1' as never), 1, 'it keeps the epoch it was first assigned at');
    assert.equal(g.group.state(), 'stable');
  });

  it('writes no record for a heartbeat that changes nothing', () => {
    const g = newGroup({ t: 2 });
    ok(beat(g, { memberId: 'a', memberEpoch: 0, subscribedTopicNames: ['t'] }, 0));
    const out = g.group.heartbeat({ memberId: 'a', memberEpoch: 1, ownedPartitions: [{ topic: 't', partitions: [0, 1] }] }, 1000);
    assert.ok(out.result.ok);
    assert.deepEqual(out.records, []);
  });

  it('answers FENCED_MEMBER_EPOCH to a stale epoch and UNKNOWN_MEMBER_ID to a member that never joined', () => {
    const g = newGroup({ t: 2 });
    ok(beat(g, { memberId: 'a', memberEpoch: 0, subscribedTopicNames: ['t'] }, 0));
    const stale = beat(g, { memberId: 'a', memberEpoch: 7 }, 1);
    assert.ok(!stale.ok && stale.error.code === 'FENCED_MEMBER_EPOCH', JSON.stringify(stale));
    const unknown = beat(g, { memberId: 'zz', memberEpoch: 3 }, 1);
    assert.ok(!unknown.ok && unknown.error.code === 'UNKNOWN_MEMBER_ID', JSON.stringify(unknown));
  });

  it('accepts the previous epoch from a member whose last answer was lost, if it owns nothing new', () => {
    const g = newGroup({ t: 2, u: 2 });
    ok(beat(g, { memberId: 'a', memberEpoch: 0, subscribedTopicNames: ['t'] }, 0));
    const bumped = ok(beat(g, { memberId: 'a', memberEpoch: 1, subscribedTopicNames: ['t', 'u'] }, 1));
    assert.equal(bumped.memberEpoch, 2);
    const retry = ok(beat(g, { memberId: 'a', memberEpoch: 1, ownedPartitions: [{ topic: 't', partitions: [0, 1] }] }, 2));
    assert.equal(retry.memberEpoch, 2);
  });

  it('removes a member whose session expires and gives its partitions to the others', () => {
    const g = newGroup({ t: 2 }, { sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1_000 });
    ok(beat(g, { memberId: 'a', memberEpoch: 0, subscribedTopicNames: ['t'] }, 0));
    ok(beat(g, { memberId: 'b', memberEpoch: 0, subscribedTopicNames: ['t'] }, 0));
    ok(beat(g, { memberId: 'a', memberEpoch: 1, ownedPartitions: [{ topic: 't', partitions: [0] }] }, 1));
    ok(beat(g, { memberId: 'a', memberEpoch: 2, ownedPartitions: [{ topic: 't', partitions: [0] }] }, 9_000));
    assert.deepEqual(g.group.tick(9_999).result.expired, []);
    assert.deepEqual(g.group.tick(10_000).result.expired, ['b']);
    const a = ok(beat(g, { memberId: 'a', memberEpoch: 2, ownedPartitions: [{ topic: 't', partitions: [0] }] }, 10_001));
    assert.equal(show(a.assignment), 't:0,1');
  });

  it('fences a member that does not revoke within its rebalance timeout', () => {
    const g = newGroup({ t: 2 }, { rebalanceTimeoutMs: 5_000 });
    ok(beat(g, { memberId: 'a', memberEpoch: 0, subscribedTopicNames: ['t'] }, 0));
    ok(beat(g, { memberId: 'b', memberEpoch: 0, subscribedTopicNames: ['t'] }, 0));
    ok(beat(g, { memberId: 'a', memberEpoch: 1 }, 1_000));
    assert.equal(g.group.member('a')!.state, 'unrevoked_partitions');
    assert.deepEqual(g.group.tick(5_999).result.fenced, []);
    assert.deepEqual(g.group.tick(6_000).result.fenced, ['a']);
    const late = beat(g, { memberId: 'a', memberEpoch: 1, ownedPartitions: [] }, 6_001);
    assert.ok(!late.ok && late.error.code === 'UNKNOWN_MEMBER_ID');
  });

  it('lets a static member restart within the session timeout without a rebalance', () => {
    const g = newGroup({ t: 4 });
    ok(beat(g, { memberId: 'a', memberEpoch: 0, instanceId: 'i-a', subscribedTopicNames: ['t'] }, 0));
    ok(beat(g, { memberId: 'b', memberEpoch: 0, subscribedTopicNames: ['t'] }, 0));
    ok(beat(g, { memberId: 'a', memberEpoch: 1, instanceId: 'i-a', ownedPartitions: [{ topic: 't', partitions: [0, 1] }] }, 1));
    ok(beat(g, { memberId: 'b', memberEpoch: 2, ownedPartitions: [] }, 1));
    const epoch = g.group.snapshot().groupEpoch;
    const before = show(ok(beat(g, { memberId: 'a', memberEpoch: 2, instanceId: 'i-a', ownedPartitions: [{ topic: 't', partitions: [0, 1] }] }, 2)).assignment);
    const left = ok(beat(g, { memberId: 'a', memberEpoch: -2, instanceId: 'i-a' }, 3));
    assert.equal(left.memberEpoch, -2);
    const early = beat(g, { memberId: 'a2', memberEpoch: 0, instanceId: 'i-b', subscribedTopicNames: ['t'] }, 4);
    assert.ok(early.ok, 'another instance id joins normally');
    ok(beat(g, { memberId: 'a2', memberEpoch: -1 }, 4));
    const epochAfterOther = g.group.snapshot().groupEpoch;
    const back = ok(beat(g, { memberId: 'a-new', memberEpoch: 0, instanceId: 'i-a', subscribedTopicNames: ['t'] }, 5));
    assert.equal(show(back.assignment), before);
    assert.equal(g.group.snapshot().groupEpoch, epochAfterOther, 'the static restart did not raise the group epoch');
    assert.ok(epochAfterOther > epoch);
    const zombie = beat(g, { memberId: 'a', memberEpoch: 2, instanceId: 'i-a' }, 6);
    assert.ok(!zombie.ok && zombie.error.code === 'FENCED_INSTANCE_ID', JSON.stringify(zombie));
  });

  it('refuses an instance id still held by a live member, and fences the replaced process', () => {
    const g = newGroup({ t: 2 });
    ok(beat(g, { memberId: 'a', memberEpoch: 0, instanceId: 'i', subscribedTopicNames: ['t'] }, 0));
    const dup = beat(g, { memberId: 'b', memberEpoch: 0, instanceId: 'i', subscribedTopicNames: ['t'] }, 1);
    assert.ok(!dup.ok && dup.error.code === 'UNRELEASED_INSTANCE_ID', JSON.stringify(dup));
    ok(beat(g, { memberId: 'a', memberEpoch: -2, instanceId: 'i' }, 2));
    ok(beat(g, { memberId: 'b', memberEpoch: 0, instanceId: 'i', subscribedTopicNames: ['t'] }, 3));
    ok(beat(g, { memberId: 'c', memberEpoch: 0, instanceId: 'j', subscribedTopicNames: ['t'] }, 3));
    const old = beat(g, { memberId: 'c', memberEpoch: 2, instanceId: 'i' }, 4);
    assert.ok(!old.ok && old.error.code === 'FENCED_INSTANCE_ID', JSON.stringify(old));
  });

  it('keeps a crashed static member\'s instance id until its session expires, then lets a new process join', () => {
    const g = newGroup({ t: 2 }, { sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1_000 });
    ok(beat(g, { memberId: 'a', memberEpoch: 0, instanceId: 'i', subscribedTopicNames: ['t'] }, 0));
    const early = beat(g, { memberId: 'a2', memberEpoch: 0, instanceId: 'i', subscribedTopicNames: ['t'] }, 5_000);
    assert.ok(!early.ok && early.error.code === 'UNRELEASED_INSTANCE_ID');
    assert.deepEqual(g.group.tick(10_000).result.expired, ['a']);
    const r = ok(beat(g, { memberId: 'a2', memberEpoch: 0, instanceId: 'i', subscribedTopicNames: ['t'] }, 10_001));
    assert.equal(show(r.assignment), 't:0,1');
  });

  it('takes back the partitions of a deleted topic', () => {
    const g = newGroup({ t: 1, u: 1 });
    const r = ok(beat(g, { memberId: 'a', memberEpoch: 0, subscribedTopicNames: ['t', 'u'] }, 0));
    assert.equal(show(r.assignment), 't:0 u:0');
    g.group.updateTopics(new Map([['t', 1]]));
    const after = ok(beat(g, { memberId: 'a', memberEpoch: r.memberEpoch, ownedPartitions: [{ topic: 't', partitions: [0] }] }, 1));
    assert.equal(show(after.assignment), 't:0');
    assert.equal(g.group.state(), 'stable');
  });

  it('refuses a join beyond the maximum size', () => {
    const g = newGroup({ t: 2 }, { maxSize: 1 });
    ok(beat(g, { memberId: 'a', memberEpoch: 0, subscribedTopicNames: ['t'] }, 0));
    const r = beat(g, { memberId: 'b', memberEpoch: 0, subscribedTopicNames: ['t'] }, 0);
    assert.ok(!r.ok && r.error.code === 'GROUP_MAX_SIZE_REACHED');
  });

  it('says what is wrong with a malformed heartbeat', () => {
    const g = newGroup({ t: 2 });
    const cases: [Parameters<typeof beat>[1], string, RegExp][] = [
      [{ memberId: 'a', memberEpoch: 0 }, 'INVALID_REQUEST', /must subscribe/],
      [{ memberId: 'a', memberEpoch: -3 }, 'INVALID_REQUEST', /-1 to leave/],
      [{ memberId: 'a', memberEpoch: 0, subscribedTopicNames: ['t'], serverAssignor: 'sticky' }, 'UNSUPPORTED_ASSIGNOR', /'uniform' or 'range'/],
      [{ memberId: 'a', memberEpoch: 0, subscribedTopicRegex: 't.*' }, 'INVALID_REGULAR_EXPRESSION', /RE2 engine/],
    ];
    ok(beat(g, { memberId: 'd', memberEpoch: 0, subscribedTopicNames: ['t'] }, 0));
    cases.push([{ memberId: 'd', memberEpoch: -2 }, 'INVALID_REQUEST', /dynamic \(no instance id\): it leaves with member epoch -1/]);
    for (const [req, code, message] of cases) {
      const r = beat(g, req, 0);
      assert.ok(!r.ok, JSON.stringify(req));
      assert.equal(r.error.code, code);
      assert.match(r.error.message, message);
    }
  });

  it('assigns a subscribed topic once it exists, and raises the epoch when partitions grow', () => {
    const g = newGroup({});
    const r = ok(beat(g, { memberId: 'a', memberEpoch: 0, subscribedTopicNames: ['later'] }, 0));
    assert.equal(show(r.assignment), '');
    g.group.updateTopics(new Map([['later', 2]]));
    assert.equal(show(ok(beat(g, { memberId: 'a', memberEpoch: r.memberEpoch }, 1)).assignment), 'later:0,1');
    const epoch = g.group.snapshot().groupEpoch;
    g.group.updateTopics(new Map([['later', 3]]));
    assert.equal(g.group.snapshot().groupEpoch, epoch + 1);
    assert.equal(show(ok(beat(g, { memberId: 'a', memberEpoch: epoch }, 2)).assignment), 'later:0,1,2');
  });

  it('accepts a commit only from the owner, within its epoch window, and an id-less commit only when empty', () => {
    const g = newGroup({ t: 2 });
    assert.equal(checkOffsetCommit(g.group, { memberId: '', memberEpoch: -1, topic: 't', partition: 0 }), null);
    ok(beat(g, { memberId: 'a', memberEpoch: 0, subscribedTopicNames: ['t'] }, 0));
    ok(beat(g, { memberId: 'b', memberEpoch: 0, subscribedTopicNames: ['t'] }, 0));
    ok(beat(g, { memberId: 'a', memberEpoch: 1 }, 1));
    // a holds t:0 (assigned at 1) and t:1 pending revocation, at epoch 1.
    assert.equal(checkOffsetCommit(g.group, { memberId: 'a', memberEpoch: 1, topic: 't', partition: 1 }), null, 'commit on revoke');
    assert.equal(checkOffsetCommit(g.group, { memberId: '', memberEpoch: -1, topic: 't', partition: 0 })?.code, 'UNKNOWN_MEMBER_ID');
    assert.equal(checkOffsetCommit(g.group, { memberId: 'zz', memberEpoch: 1, topic: 't', partition: 0 })?.code, 'UNKNOWN_MEMBER_ID');
    assert.equal(checkOffsetCommit(g.group, { memberId: 'a', memberEpoch: 2, topic: 't', partition: 0 })?.code, 'STALE_MEMBER_EPOCH');
    assert.equal(checkOffsetCommit(g.group, { memberId: 'b', memberEpoch: 2, topic: 't', partition: 1 })?.code, 'STALE_MEMBER_EPOCH', 'not yet released to b');
    ok(beat(g, { memberId: 'a', memberEpoch: 1, ownedPartitions: [{ topic: 't', partitions: [0] }] }, 2));
    ok(beat(g, { memberId: 'b', memberEpoch: 2 }, 3));
    assert.equal(checkOffsetCommit(g.group, { memberId: 'b', memberEpoch: 2, topic: 't', partition: 1 }), null);
    assert.equal(checkOffsetCommit(g.group, { memberId: 'a', memberEpoch: 1, topic: 't', partition: 1 })?.code, 'STALE_MEMBER_EPOCH', 'revoked');
    assert.equal(checkOffsetCommit(g.group, { memberId: 'a', memberEpoch: 1, topic: 't', partition: 0 }), null, 'an older epoch within the window');
  });

  it('uses the assignor most members prefer, else the default', () => {
    const g = newGroup({ t: 2 });
    ok(beat(g, { memberId: 'a', memberEpoch: 0, subscribedTopicNames: ['t'] }, 0));
    assert.equal(g.group.assignorName(), 'uniform');
    ok(beat(g, { memberId: 'b', memberEpoch: 0, subscribedTopicNames: ['t'], serverAssignor: 'range' }, 0));
    assert.equal(g.group.assignorName(), 'range');
  });

  it('refuses options that cannot work, saying which', () => {
    assert.throws(() => newGroup({}, { sessionTimeoutMs: 1_000, heartbeatIntervalMs: 1_000 }), /heartbeatIntervalMs \(1000\) must be below sessionTimeoutMs \(1000\)/);
    assert.throws(() => newGroup({}, { maxSize: 0 }), /maxSize must be a positive integer, got 0/);
  });

  it('deletes only an empty consumer group', () => {
    const g = newGroup({ t: 1 });
    ok(beat(g, { memberId: 'a', memberEpoch: 0, subscribedTopicNames: ['t'] }, 0));
    assert.equal(g.group.delete().result?.code, 'NON_EMPTY_GROUP');
    ok(beat(g, { memberId: 'a', memberEpoch: -1 }, 1));
    assert.equal(g.group.state(), 'empty');
    assert.equal(g.group.delete().result, null);
    assert.equal(g.group.state(), 'dead');
    const after = beat(g, { memberId: 'a', memberEpoch: 0, subscribedTopicNames: ['t'] }, 2);
    assert.ok(!after.ok && after.error.code === 'GROUP_ID_NOT_FOUND');
  });
});
