// ProduceStream's "arrival order = append order" holds only because nothing awaits between a
// request's arrival and partition.produce (src/broker/handlers/produce-stream.ts). An await there
// (an ACL or quota check, say) would let a later request overtake an earlier one whenever the
// awaited steps take different times. This drives the real handler with the real broker behind
// it, request by request, and checks that each request reached its partition before the next
// one arrived, and that the offsets follow the arrival order.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { Registry } from 'prom-client';
import { ErrorCode } from '../../src/common/errors';
import { handleProduceStream } from '../../src/broker/handlers/produce-stream';
import { InFlightBudget } from '../../src/broker/in-flight-budget';
import { StreamsWaiting } from '../../src/broker/streams-waiting';
import { encodeBatch, startBrokerFixture, type BrokerFixture } from './broker-fixture';
import { until } from '../until';

const REQUESTS = 200;
const RECORDS_PER_BATCH = 3;

/** The parts of a gRPC duplex call the handler uses; answers are collected. */
class FakeProduceCall extends EventEmitter {
  readonly answers: { correlationId: number; partitions: { errorCode: number; errorMessage: string; baseOffset: number }[] }[] = [];
  cancelled = false;
  pause(): void {}
  resume(): void {}
  end(): void {}
  write(answer: FakeProduceCall['answers'][number]): boolean {
    this.answers.push(answer);
    return true;
  }
}

describe('broker ProduceStream: arrival order is append order', () => {
  let fx: BrokerFixture;
  beforeEach(async () => {
    fx = await startBrokerFixture();
    await fx.admin('createTopics', { topics: [{ name: 'order', partitions: 1 }] });
  });
  afterEach(() => fx.close());

  it('hands every request to its partition before the next one arrives, so offsets follow arrival order', async () => {
    const ctx = fx.broker.context;
    const replica = ctx.partitions.lookup('order', 0).replica;
    assert.ok(replica, 'the partition is open on this broker');
    const handedOver: string[] = [];
    const produce = replica.produce.bind(replica);
    replica.produce = (input: Parameters<typeof produce>[0]) => {
      handedOver.push(recordValue(input.batch));
      return produce(input);
    };
    const call = new FakeProduceCall();
    const failures: unknown[] = [];
    const registry = new Registry();
    handleProduceStream(ctx, call as never, { malformed: () => undefined, fail: (error) => failures.push(error) }, {
      budget: new InFlightBudget(1 << 30, registry),
      waiting: new StreamsWaiting(registry),
    });

    for (let i = 0; i < REQUESTS; i++) {
      const values = Array.from({ length: RECORDS_PER_BATCH }, (_, j) => `request-${i}-record-${j}`);
      call.emit('data', { correlationId: i + 1, acks: 0, timeoutMs: 0, partitions: [{ topic: 'order', partition: 0, batch: encodeBatch(values), crc32c: 0 }] });
      assert.equal(handedOver.length, i + 1, `request ${i} did not reach partition.produce before the next request arrived: something awaits between arrival and append`);
      assert.equal(handedOver[i], `request-${i}-record-0`);
    }

    await until(() => call.answers.length === REQUESTS || failures.length > 0, 'every request answered');
    assert.deepEqual(failures, []);
    const offsets = new Map(call.answers.map((a) => [a.correlationId, a.partitions[0]!]));
    for (let i = 0; i < REQUESTS; i++) {
      const result = offsets.get(i + 1)!;
      assert.equal(result.errorCode, ErrorCode.NONE, result.errorMessage);
      assert.equal(result.baseOffset, i * RECORDS_PER_BATCH, `request ${i} was appended out of arrival order`);
    }
  });
});

/** The first record's value of an encoded batch (the test's marker of which request it is). */
function recordValue(batch: Uint8Array): string {
  const text = Buffer.from(batch).toString('latin1');
  return /request-\d+-record-0/.exec(text)![0];
}
