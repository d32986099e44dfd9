import { strict as assert } from 'node:assert';
import type { RegexEngine } from '../../../src/consumer-groups/coordinator/subscription';
import { resolveSubscription } from '../../../src/consumer-groups/coordinator/subscription';
import { beat, newGroup, ok, show } from './harness';

// A stand-in engine for these tests only: JavaScript's RegExp backtracks, so production must plug
// in an RE2 engine (docs/consumer-groups.md); the interface is what is under test here.
const testEngine: RegexEngine = {
  compile(pattern) {
    try {
      const re = new RegExp(`^(?:${pattern})$`);
      return { ok: true, pattern: { matches: (topic) => re.test(topic) } };
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
  },
};

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
    assert.match(r.error.message, /"\(" is not valid RE2 syntax/);
  });
});
