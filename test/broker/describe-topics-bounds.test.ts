// DescribeTopics answers every name it is given: a 130 KB request naming one 110-partition topic
// 10,000 times took a broker from 120 MiB to 2 GiB (found by the fuzzer). Each name once.
import * as grpc from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import { startBrokerFixture, type BrokerFixture } from './broker-fixture';

describe('broker: DescribeTopics names each topic once', () => {
  let fx: BrokerFixture;
  before(async () => {
    fx = await startBrokerFixture();
    await fx.admin('createTopics', { topics: [{ name: 'described', partitions: 2 }] });
  });
  after(() => fx.close());

  it('refuses a topic named twice with INVALID_ARGUMENT naming it', async () => {
    await assert.rejects(
      fx.admin('describeTopics', { names: ['described', 'other', 'described'] }),
      (e: any) => e.code === grpc.status.INVALID_ARGUMENT && /topic 'described' appears twice in one DescribeTopics request/.test(e.details),
    );
  });

  it('still describes several distinct topics, known or not', async () => {
    const { topics } = await fx.admin('describeTopics', { names: ['described', 'missing'] });
    assert.deepEqual(topics.map((t: any) => [t.name, t.partitions.length]), [['described', 2], ['missing', 0]]);
  });
});
