// `sluice topic create` returns once every partition has a leader (else the next command finds
// partitions without one for a moment), unless --no-wait says not to.
import { strict as assert } from 'node:assert';
import { FakeCluster } from '../client/fake-broker';
import { until } from '../until';
import { sluice } from './run-cli';

describe('sluice topic create waits for leaders (fake cluster)', () => {
  let cluster: FakeCluster;

  beforeEach(async () => {
    cluster = await FakeCluster.start(3);
    cluster.defaultLeaderId = 0; // partitions of new topics have no leader until set
  });

  afterEach(async () => {
    await cluster.stop();
  });

  it('returns only once every partition has a leader', async () => {
    let finished = false;
    const run = sluice(['--brokers', cluster.broker(1).address, 'topic', 'create', 'orders', '--partitions', '2', '--replication-factor', '3']).then((r) => {
      finished = true;
      return r;
    });
    await until(() => cluster.requestsOf('describeTopics').length >= 2, 'the CLI to look for leaders twice');
    cluster.setLeader('orders', 0, 2);
    await until(() => cluster.requestsOf('describeTopics').length >= 3, 'the CLI to look again after one leader');
    assert.equal(finished, false, 'one partition still has no leader');
    cluster.setLeader('orders', 1, 3);
    const done = await run;
    assert.equal(done.code, 0, done.stderr);
    assert.equal(done.stdout, "created topic 'orders' (every partition has a leader)\n");
  });

  it('--no-wait returns once the topic is created', async () => {
    const done = await sluice(['--brokers', cluster.broker(1).address, 'topic', 'create', 'orders', '--no-wait']);
    assert.equal(done.code, 0, done.stderr);
    assert.equal(done.stdout, "created topic 'orders'\n");
    assert.equal(cluster.requestsOf('describeTopics').length, 0);
  });
});
