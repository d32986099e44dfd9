// A batch header field the storage entry header cannot hold is refused at the edge, per batch,
// and never reaches the log (it used to throw in the entry writer and fail the whole group commit).
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/common/errors';
import { recordsOf, startBrokerFixture, type BrokerFixture } from './broker-fixture';

describe('broker: batch header ranges', () => {
  let fx: BrokerFixture;
  beforeEach(async () => {
    fx = await startBrokerFixture();
    await fx.admin('createTopics', { topics: [{ name: 't', partitions: 1 }] });
  });
  afterEach(() => fx.close());

  const produce = (value: string, producerId: number, producerEpoch: number, baseSequence: number): Promise<any> =>
    fx
      .data('produce', {
        partitions: [{ topic: 't', partition: 0, batch: { baseTimestampMs: Date.now(), producerId, producerEpoch, baseSequence, records: [{ value: Buffer.from(value) }] } }],
      })
      .then((r: any) => r.partitions[0]);

  it('refuses producer_epoch 40000 with INVALID_RECORD and stores the other producers\' batches of the same turn', async () => {
    const good = await fx.data('initProducer', {});
    const bad = await fx.data('initProducer', {});
    const [first, refused, plain, second] = await Promise.all([
      produce('good-0', good.producerId, good.producerEpoch, 0),
      produce('bad', bad.producerId, 40000, 0),
      produce('plain', 0, 0, 0),
      produce('good-1', good.producerId, good.producerEpoch, 1),
    ]);
    assert.equal(refused.errorCode, ErrorCode.INVALID_RECORD, refused.errorMessage);
    assert.match(refused.errorMessage, /producer_epoch 40000 .*\[0, 32767\]/);
    for (const ok of [first, plain, second]) assert.equal(ok.errorCode, ErrorCode.NONE, ok.errorMessage);
    // The good producer's state survived: its next sequence is accepted.
    const third = await produce('good-2', good.producerId, good.producerEpoch, 2);
    assert.equal(third.errorCode, ErrorCode.NONE, third.errorMessage);
    const fetched = await fx.data('fetch', { partitions: [{ topic: 't', partition: 0, offset: 0 }] });
    assert.deepEqual(recordsOf(fetched.partitions[0]).map((r) => r.value).sort(), ['good-0', 'good-1', 'good-2', 'plain']);
  });
});
