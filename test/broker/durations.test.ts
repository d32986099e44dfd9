// Every duration a request carries is checked against a limit the Node timers can honour: a
// timeout_ms of 2^31 or more used to become a 1 ms timer (stored, yet answered REQUEST_TIMED_OUT).
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/common/errors';
import { resolveBrokerConfig } from '../../src/broker/config';
import { startBrokerFixture, type BrokerFixture } from './broker-fixture';

describe('broker: request durations', () => {
  let fx: BrokerFixture;
  before(async () => {
    fx = await startBrokerFixture({ limits: { maxProduceTimeoutMs: 120_000, maxFetchWaitMs: 300 } });
    await fx.admin('createTopics', { topics: [{ name: 't', partitions: 1 }] });
  });
  after(() => fx.close());

  const produce = (timeoutMs: number): Promise<any> =>
    fx.data('produce', { timeoutMs, partitions: [{ topic: 't', partition: 0, batch: { records: [{ value: Buffer.from('x') }] } }] });
  const logEnd = async (): Promise<number> => (await fx.admin('describeTopics', { names: ['t'] })).topics[0].partitions[0].logEndOffset;

  for (const timeoutMs of [2 ** 31, 2 ** 32 - 1, 120_001]) {
    it(`clamps produce timeout_ms ${timeoutMs} to the limit: the batch is stored and acknowledged`, async () => {
      const before = await logEnd();
      const { partitions } = await produce(timeoutMs);
      assert.equal(partitions[0].errorCode, ErrorCode.NONE, partitions[0].errorMessage);
      assert.equal(await logEnd(), before + 1);
    });
  }

  it('accepts produce timeout_ms at the limit and 0 (the default)', async () => {
    for (const timeoutMs of [120_000, 0]) {
      const { partitions } = await produce(timeoutMs);
      assert.equal(partitions[0].errorCode, ErrorCode.NONE, partitions[0].errorMessage);
    }
  });

  for (const maxWaitMs of [2 ** 31, 2 ** 32 - 1, 301]) {
    it(`clamps fetch max_wait_ms ${maxWaitMs} to the limit (as Kafka, which has no such refusal): an empty long poll ends`, async () => {
      const before = await logEnd();
      const { partitions } = await fx.data('fetch', { maxWaitMs, minBytes: 1, partitions: [{ topic: 't', partition: 0, offset: before }] });
      assert.equal(partitions[0].errorCode, ErrorCode.NONE, partitions[0].errorMessage);
      assert.equal(partitions[0].batches.length, 0);
    });
  }

  it('refuses a duration limit the Node timers cannot honour', () => {
    for (const key of ['maxProduceTimeoutMs', 'maxFetchWaitMs']) {
      assert.throws(() => resolveBrokerConfig({ limits: { [key]: 2 ** 31 } }), new RegExp(`limits.${key} 2147483648 is invalid: use an integer in \\[1, 2147483647\\]`));
    }
  });
});
