// A broker started alone is a cluster of one with a fixed membership: it registers no other
// broker (one registered with it would join its metadata group and, promoted, take its majority).
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/common/errors';
import { startBrokerFixture, type BrokerFixture } from './broker-fixture';

describe('a broker started alone (a cluster of one)', () => {
  let fx: BrokerFixture;
  beforeEach(async () => (fx = await startBrokerFixture()));
  afterEach(async () => fx.close());

  it('refuses to register another broker, and keeps leading its metadata', async () => {
    const answer = await fx.admin('registerBroker', { id: 2, host: '127.0.0.1', port: 40001, httpPort: 40002, rack: '' });
    assert.equal(answer.errorCode, ErrorCode.INVALID_REQUEST);
    assert.match(answer.errorMessage, /runs alone .* registers no other broker \(asked for broker 2\): start every broker with --cluster FILE/);
    const cluster = await fx.admin('describeCluster', {});
    assert.deepEqual(cluster.brokers.map((b: any) => b.id), [1]);
    const created = await fx.admin('createTopics', { topics: [{ name: 'after' }] });
    assert.equal(created.topics[0].errorCode, ErrorCode.NONE);
  });
});
