// A re-created topic's partitions are new Raft groups (named by the topic id): replaying the
// metadata log at start opens and deletes the earlier topic of the same name, and that deletion
// must not forget the Raft state (term, vote) of the topic that exists now.
import assert from 'node:assert/strict';
import { startBrokerFixture, type BrokerFixture } from './broker-fixture';

describe('the Raft state of a re-created topic', () => {
  let fx: BrokerFixture;
  beforeEach(async () => (fx = await startBrokerFixture()));
  afterEach(async () => fx.close());

  it('survives a restart that replays the deletion of the earlier topic of its name', async () => {
    const ok = (response: any): void => assert.equal(response.topics[0].errorCode, 0, response.topics[0].errorMessage);
    ok(await fx.admin('createTopics', { topics: [{ name: 'ledger', partitions: 1 }] }));
    ok(await fx.admin('deleteTopics', { names: ['ledger'] }));
    ok(await fx.admin('createTopics', { topics: [{ name: 'ledger', partitions: 1 }] }));
    const before = fx.broker.context.partitions.get('ledger', 0)!.leaderEpoch;
    fx = await fx.restart();
    const after = fx.broker.context.partitions.get('ledger', 0)!.leaderEpoch;
    assert.ok(after > before, `the leader epoch went from ${before} to ${after}: a Raft term was reused, so its vote was forgotten`);
  });
});
