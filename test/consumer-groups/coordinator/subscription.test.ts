import { strict as assert } from 'node:assert';
import { re2Engine } from '../../../src/consumer-groups/coordinator/re2-engine';
import { resolveSubscription } from '../../../src/consumer-groups/coordinator/subscription';
import { beat, newGroup, ok, show } from './harness';

const testEngine = re2Engine();

describe('consumer group subscriptions', () => {
  const topics = new Map([['orders', 2], ['orders-eu', 1], ['__consumer_offsets', 50], ['audit', 1]]);

  it('resolves names that exist, whole-name pattern matches, and never an internal topic', () => {
    assert.deepEqual(resolveSubscription({ topicNames: ['audit', 'missing'], topicRegex: '' }, topics, undefined), ['audit']);
    assert.deepEqual(resolveSubscription({ topicNames: [], topicRegex: 'orders.*' }, topics, testEngine), ['orders', 'orders-eu']);
    assert.deepEqual(resolveSubscription({ topicNames: [], topicRegex: '.*' }, topics, testEngine), ['audit', 'orders', 'orders-eu']);
    assert.deepEqual(resolveSubscription({ topicNames: [], topicRegex: 'order' }, topics, testEngine), []);
  });

  it('re-evaluates a pattern when topics are created', () => {
    const g = newGroup({ orders: 1 }, { regexEngine: testEngine });
    const r = ok(beat(g, { memberId: 'a', memberEpoch: 0, subscribedTopicRegex: 'orders.*' }, 0));
    assert.equal(show(r.assignment), 'orders:0');
    g.group.updateTopics(new Map([['orders', 1], ['orders-us', 1], ['other', 1]]));
    assert.equal(show(ok(beat(g, { memberId: 'a', memberEpoch: r.memberEpoch }, 1)).assignment), 'orders:0 orders-us:0');
  });

  it('refuses a pattern the engine cannot compile, quoting it', () => {
    const g = newGroup({}, { regexEngine: testEngine });
    const r = beat(g, { memberId: 'a', memberEpoch: 0, subscribedTopicRegex: '(' }, 0);
    assert.ok(!r.ok && r.error.code === 'INVALID_REGULAR_EXPRESSION');
    assert.match(r.error.message, /"\(" is not valid RE2 syntax: error parsing regexp: missing closing \)/);
  });

  it('refuses what RE2 does not support (lookaround, backreferences), saying why', () => {
    const g = newGroup({}, { regexEngine: testEngine });
    for (const [pattern, reason] of [['(?=orders)', /invalid or unsupported Perl syntax/], ['(a)\\1', /invalid escape sequence/]] as const) {
      const r = beat(g, { memberId: 'a', memberEpoch: 0, subscribedTopicRegex: pattern }, 0);
      assert.ok(!r.ok && r.error.code === 'INVALID_REGULAR_EXPRESSION', pattern);
      assert.match(r.error.message, reason);
    }
  });

  it('matches a pattern that backtracking engines take exponential time on, in linear time', () => {
    // With JavaScript's RegExp, `(a+)+b` against 40 a's takes ~2^40 steps: this test would not end.
    const name = 'a'.repeat(40);
    assert.deepEqual(resolveSubscription({ topicNames: [], topicRegex: '(a+)+b' }, new Map([[name, 1]]), testEngine), []);
    assert.deepEqual(resolveSubscription({ topicNames: [], topicRegex: '(a+)+' }, new Map([[name, 1]]), testEngine), [name]);
  });

  it('drops the partitions of a matched topic once it is deleted, and the pattern matches it again when re-created', () => {
    const g = newGroup({ 'orders-eu': 2, 'orders-us': 1 }, { regexEngine: testEngine });
    let r = ok(beat(g, { memberId: 'a', memberEpoch: 0, subscribedTopicRegex: 'orders-(eu|us)' }, 0));
    assert.equal(show(r.assignment), 'orders-eu:0,1 orders-us:0');
    g.group.updateTopics(new Map([['orders-eu', 2]]));
    r = ok(beat(g, { memberId: 'a', memberEpoch: r.memberEpoch, ownedPartitions: r.assignment }, 1));
    assert.equal(show(r.assignment), 'orders-eu:0,1');
    g.group.updateTopics(new Map([['orders-eu', 2], ['orders-us', 3]]));
    r = ok(beat(g, { memberId: 'a', memberEpoch: r.memberEpoch, ownedPartitions: r.assignment }, 2));
    assert.equal(show(r.assignment), 'orders-eu:0,1 orders-us:0,1,2');
  });
});
