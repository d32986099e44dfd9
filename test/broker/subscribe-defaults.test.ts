// proto3 clients leave fields at their default values off the wire (partition 0, offset 0);
// protobufjs then keeps those defaults on the decoded message's prototype. Subscribe spread its
// partitions ({ ...p }) and lost them: INTERNAL or UNKNOWN_TOPIC_OR_PARTITION "… not undefined".
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/common/errors';
import { rawClient, recordsOf, startBrokerFixture, type BrokerFixture } from './broker-fixture';

describe('broker: Subscribe with fields at their defaults left off the wire', () => {
  let fx: BrokerFixture;
  before(async () => {
    fx = await startBrokerFixture();
    await fx.admin('createTopics', { topics: [{ name: 'd', partitions: 1 }] });
    const { partitions } = await fx.data('produce', { partitions: [{ topic: 'd', partition: 0, batch: { records: [{ value: Buffer.from('first') }] } }] });
    assert.equal(partitions[0].errorCode, ErrorCode.NONE, partitions[0].errorMessage);
  });
  after(() => fx.close());

  it('reads partition 0 from offset 0 when neither is on the wire', async () => {
    const { client } = rawClient(fx.address, 'sluice.v1.Data');
    try {
      // No partition, no offset: encoded as a proto3 client in any other language would.
      const stream = (client as any).subscribe({ partitions: [{ topic: 'd' }] });
      const push = await new Promise<any>((resolve, reject) => {
        stream.once('data', resolve);
        stream.once('error', reject);
      });
      stream.cancel();
      stream.on('error', () => undefined);
      assert.equal(push.partitions[0].errorCode ?? 0, ErrorCode.NONE, push.partitions[0].errorMessage);
      assert.deepEqual(recordsOf(push.partitions[0]).map((r) => r.value), ['first']);
    } finally {
      client.close();
    }
  });
});
