import { strict as assert } from 'node:assert';
import { scanBatch } from '../../src/protocol/batch-scan';
import { SluiceBufferExhaustedError, SluiceClient, SluiceClientStateError } from '../../src/client';
import { FakeBroker } from './fake-broker';
import { until } from '../until';

const RECORD = 'x'.repeat(200); // estimateBytes: 8 + 200
const RECORD_BYTES = 208;

describe('client producer buffer limit (bufferMemory, maxBlockMs)', () => {
  let broker: FakeBroker;
  let client: SluiceClient;
  let releaseProduce: () => void;

  beforeEach(async () => {
    broker = await new FakeBroker().start();
    broker.createTopic('t', 1);
    client = new SluiceClient({ brokers: [broker.address], retry: { retries: 3, initialBackoffMs: 1, maxBackoffMs: 5 }, requestTimeoutMs: 10_000 });
    broker.produceGate = new Promise<void>((resolve) => { releaseProduce = resolve; });
  });

  afterEach(async () => {
    releaseProduce();
    await client.close();
    await broker.stop();
  });

  const recordsSent = (): number => broker.requestsOf('produce')
    .flatMap((request) => request.partitions)
    .reduce((sum: number, p: { batch: Buffer }) => { const scan = scanBatch(p.batch); assert.ok(scan.ok); return sum + scan.summary.recordCount; }, 0);

  it('holds at most bufferMemory bytes unacknowledged; the records past it wait and then go, in order', async () => {
    const producer = client.producer({ lingerMs: 0, bufferMemory: 3 * RECORD_BYTES });
    await producer.connect();
    const acks = Array.from({ length: 10 }, () => producer.produce('t', { value: RECORD }));
    await until(() => broker.requestsOf('produce').length > 0, 'the first produce request');
    assert.equal(producer.bufferedBytes, 3 * RECORD_BYTES);
    assert.equal(recordsSent(), 3, 'only the records admitted to the buffer were sent');
    releaseProduce();
    const results = await Promise.all(acks);
    assert.deepEqual(results.map((r) => r.offset), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(recordsSent(), 10);
    assert.equal(producer.bufferedBytes, 0);
  });

  it('lets one record larger than the whole buffer go, alone', async () => {
    releaseProduce();
    const producer = client.producer({ lingerMs: 0, bufferMemory: 10 });
    await producer.connect();
    const results = await Promise.all([producer.produce('t', { value: RECORD }), producer.produce('t', { value: RECORD })]);
    assert.deepEqual(results.map((r) => r.offset), [0, 1]);
    assert.equal(broker.requestsOf('produce').length, 2, 'the second record waited for the first to be acknowledged');
  });

  it('fails a record that waited maxBlockMs for room, with an error naming both limits; the admitted ones still land', async () => {
    const producer = client.producer({ lingerMs: 0, bufferMemory: RECORD_BYTES, maxBlockMs: 30 });
    await producer.connect();
    const first = producer.produce('t', { value: RECORD });
    const waiting = producer.produce('t', { value: RECORD });
    const group = producer.send({ topic: 't', messages: [{ value: RECORD }, { value: RECORD }] });
    await assert.rejects(waiting, (error: Error) => {
      assert.ok(error instanceof SluiceBufferExhaustedError);
      assert.match(error.message, /buffer stayed full for maxBlockMs 30 ms \(bufferMemory 208 bytes, 208 held\)/);
      return true;
    });
    await assert.rejects(group, SluiceBufferExhaustedError);
    releaseProduce();
    assert.equal((await first).offset, 0);
    assert.equal((await producer.produce('t', { value: RECORD })).offset, 1, 'room again once acknowledged');
    assert.equal(recordsSent(), 2);
  });

  it('with maxBlockMs 0 fails a record that finds the buffer full at once, inside produce(), holding nothing for it', async () => {
    const producer = client.producer({ lingerMs: 0, bufferMemory: RECORD_BYTES, maxBlockMs: 0 });
    await producer.connect();
    const told: (Error | null)[] = [];
    producer.produce('t', { value: RECORD }, (error) => told.push(error));
    producer.produce('t', { value: RECORD }, (error) => told.push(error));
    assert.equal(told.length, 1, 'the second record was told before produce() returned');
    assert.ok(told[0] instanceof SluiceBufferExhaustedError);
    assert.equal(producer.bufferedBytes, RECORD_BYTES);
    releaseProduce();
    await producer.flush();
    assert.deepEqual(told.slice(1), [null]);
    assert.equal(recordsSent(), 1);
  });

  it('flush() waits for the records still waiting for room', async () => {
    const producer = client.producer({ lingerMs: 0, bufferMemory: RECORD_BYTES });
    await producer.connect();
    const told: number[] = [];
    for (let i = 0; i < 5; i++) producer.produce('t', { value: RECORD }, (error, metadata) => { assert.equal(error, null); told.push(metadata!.offset); });
    const flushed = producer.flush();
    releaseProduce();
    await flushed;
    assert.deepEqual(told, [0, 1, 2, 3, 4]);
  });

  it('keeps a send() admitted at once ahead of records produced after it', async () => {
    releaseProduce();
    const producer = client.producer({ lingerMs: 0 });
    await producer.connect();
    await producer.produce('t', { value: 'metadata' });
    const batch = producer.send({ topic: 't', messages: [{ value: 'a' }, { value: 'b' }] });
    const after = producer.produce('t', { value: 'c' });
    assert.equal((await batch)[0]!.baseOffset, 1);
    assert.equal((await after).offset, 3);
  });

  it('refuses a buffer or a block time that cannot work', () => {
    assert.throws(() => client.producer({ bufferMemory: 0 }), (error: Error) => error instanceof SluiceClientStateError && /bufferMemory must be a number >= 1, got 0/.test(error.message));
    assert.throws(() => client.producer({ maxBlockMs: -1 }), /maxBlockMs must be a number >= 0, got -1/);
    assert.throws(() => client.producer({ bufferMemory: Number.NaN }), /bufferMemory must be a number >= 1, got NaN/);
  });
});
