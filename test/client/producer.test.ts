import { strict as assert } from 'node:assert';
import * as grpc from '@grpc/grpc-js';
import { ErrorCode } from '../../src/common/errors';
import { scanBatch } from '../../src/protocol/batch-scan';
import { decodeBatch } from '../../src/protocol/batch-codec';
import { partitionForKey } from '../../src/protocol/murmur2';
import { SluiceClient, SluicePartitionError } from '../../src/client';
import { FakeBroker } from './fake-broker';

const FAST_RETRY = { retries: 3, initialBackoffMs: 1, maxBackoffMs: 5 };

describe('client producer (fake broker)', () => {
  let broker: FakeBroker;
  let client: SluiceClient;

  beforeEach(async () => {
    broker = await new FakeBroker().start();
    broker.createTopic('t', 3);
    client = new SluiceClient({ brokers: [broker.address], retry: FAST_RETRY, requestTimeoutMs: 5_000 });
  });

  afterEach(async () => {
    await client.close();
    await broker.stop();
  });

  it('batches several produce() calls into one request', async () => {
    const producer = client.producer({ lingerMs: 20 });
    await producer.connect();
    const results = await Promise.all([0, 1, 2, 3, 4].map((i) => producer.produce('t', { value: `v${i}`, partition: 1 })));
    assert.deepEqual(results.map((r) => r.offset), [0, 1, 2, 3, 4]);
    const produces = broker.requestsOf('produce');
    assert.equal(produces.length, 1);
    assert.equal(produces[0].partitions.length, 1);
    const scan = scanBatch(produces[0].partitions[0].batch);
    assert.ok(scan.ok);
    assert.equal(scan.summary.recordCount, 5);
  });

  it('sends a lone record in the loop iteration it was produced in, before an immediate queued after it', async () => {
    const producer = client.producer({ lingerMs: 20 });
    await producer.connect();
    await producer.produce('t', { value: 'warm-up', partition: 0 }); // metadata and stream open
    // Internals, to see when the request is handed to the connection (the broker sees it later).
    const connection = (client as any).context.pool.get(broker.address);
    const produce = connection.produce.bind(connection);
    let immediateRan = false;
    let sentBeforeImmediate: boolean | undefined;
    connection.produce = (...args: unknown[]) => { sentBeforeImmediate ??= !immediateRan; return produce(...args); };
    const ack = producer.produce('t', { value: 'lone', partition: 0 });
    setImmediate(() => { immediateRan = true; });
    assert.equal((await ack).offset, 1);
    assert.equal(sentBeforeImmediate, true);
  });

  it('keeps records waiting for a request slot in one growing batch, not in a batch per linger', async () => {
    broker.produceDelayMs = 300;
    const producer = client.producer({ lingerMs: 2, maxInFlight: 1 });
    await producer.connect();
    const acks = [producer.produce('t', { value: 'first', partition: 0 })];
    // Five bursts, each lingering past lingerMs, all while the first batch holds the only slot.
    for (let burst = 0; burst < 5; burst++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      for (let i = 0; i < 4; i++) acks.push(producer.produce('t', { value: `b${burst}-${i}`, partition: 0 }));
    }
    const results = await Promise.all(acks);
    assert.deepEqual(results.map((r) => r.offset), results.map((_, i) => i));
    // A batch per burst would be six requests, each waiting for the one before.
    const produces = broker.requestsOf('produce');
    assert.ok(produces.length <= 3, `the 20 waiting records went in ${produces.length - 1} requests after the first`);
  });

  it('puts one batch per partition into a single request', async () => {
    const producer = client.producer({ lingerMs: 20 });
    await producer.connect();
    await Promise.all([0, 1, 2].map((p) => producer.produce('t', { value: 'x', partition: p })));
    const produces = broker.requestsOf('produce');
    assert.equal(produces.length, 1);
    assert.deepEqual(produces[0].partitions.map((p: { partition: number }) => p.partition).sort(), [0, 1, 2]);
  });

  it('numbers idempotent batches with increasing sequences per partition', async () => {
    const producer = client.producer({ lingerMs: 0 });
    await producer.connect();
    await producer.send({ topic: 't', messages: [{ value: 'a', partition: 0 }, { value: 'b', partition: 0 }] });
    await producer.send({ topic: 't', messages: [{ value: 'c', partition: 0 }, { value: 'd', partition: 2 }] });
    await producer.send({ topic: 't', messages: [{ value: 'e', partition: 0 }] });
    const { producerId } = producer.identity;
    assert.ok(producerId > 0);
    const seen = broker.requestsOf('produce').flatMap((r) => r.partitions).map((p: { partition: number; batch: Buffer }) => {
      const scan = scanBatch(p.batch);
      assert.ok(scan.ok);
      assert.equal(scan.summary.producerId, producerId);
      return `${p.partition}:${scan.summary.baseSequence}+${scan.summary.recordCount}`;
    });
    assert.deepEqual(seen.filter((s) => s.startsWith('0:')), ['0:0+2', '0:2+1', '0:3+1']);
    assert.deepEqual(seen.filter((s) => s.startsWith('2:')), ['2:0+1']);
  });

  it('retries a retriable partition error with backoff, then succeeds', async () => {
    broker.inject('produce', { errorCode: ErrorCode.NOT_ENOUGH_REPLICAS }, { errorCode: ErrorCode.REQUEST_TIMED_OUT });
    const producer = client.producer({ lingerMs: 0 });
    await producer.connect();
    const result = await producer.produce('t', { value: 'v', partition: 0 });
    assert.equal(result.offset, 0);
    assert.equal(broker.requestsOf('produce').length, 3);
    assert.equal(broker.partition('t', 0).batches.length, 1);
  });

  it('retries after UNAVAILABLE from gRPC', async () => {
    broker.inject('produce', { grpcStatus: grpc.status.UNAVAILABLE, details: 'going down' });
    const producer = client.producer({ lingerMs: 0 });
    await producer.connect();
    const result = await producer.produce('t', { value: 'v', partition: 2 });
    assert.equal(result.offset, 0);
    assert.equal(broker.requestsOf('produce').length, 2);
  });

  it('treats DUPLICATE_SEQUENCE on a resend as success with the original offset', async () => {
    // The first attempt is stored but answered REQUEST_TIMED_OUT; the resend is a duplicate.
    broker.createTopic('d', 1);
    const seeder = client.producer({ lingerMs: 0, idempotent: false });
    await seeder.connect();
    await seeder.produce('d', { value: 'before', partition: 0 });
    broker.inject('produce', { errorCode: ErrorCode.REQUEST_TIMED_OUT, apply: true });
    const producer = client.producer({ lingerMs: 0 });
    await producer.connect();
    const result = await producer.produce('d', { value: 'once', partition: 0 });
    assert.equal(result.offset, 1);
    assert.equal(broker.partition('d', 0).nextOffset, 2, 'the record is stored exactly once');
    const attempts = broker.requestsOf('produce').slice(-2).map((r) => scanBatch(r.partitions[0].batch));
    assert.ok(attempts[0]!.ok && attempts[1]!.ok);
    assert.equal(attempts[0]!.summary.baseSequence, attempts[1]!.summary.baseSequence);
  });

  it('rejects with the partition error when the error is not retriable', async () => {
    broker.inject('produce', { errorCode: ErrorCode.MESSAGE_TOO_LARGE, message: 'batch of 9 bytes is above max.message.bytes 1' });
    const producer = client.producer({ lingerMs: 0 });
    await producer.connect();
    await assert.rejects(producer.produce('t', { value: 'v', partition: 0 }), (error: unknown) => {
      assert.ok(error instanceof SluicePartitionError);
      assert.equal(error.code, ErrorCode.MESSAGE_TOO_LARGE);
      assert.match(error.message, /t\/0: MESSAGE_TOO_LARGE: batch of 9 bytes/);
      return true;
    });
    // The failed batch's sequence is reused by the next one, so the partition stays usable.
    const next = await producer.produce('t', { value: 'w', partition: 0 });
    assert.equal(next.offset, 0);
  });

  it('follows a NOT_LEADER leader_hint to another broker', async () => {
    const other = await new FakeBroker().start();
    try {
      other.createTopic('t', 3);
      broker.inject('produce', { errorCode: ErrorCode.NOT_LEADER, leaderHint: other.address });
      const producer = client.producer({ lingerMs: 0 });
      await producer.connect();
      const result = await producer.produce('t', { value: 'v', partition: 0 });
      assert.equal(result.offset, 0);
      assert.equal(other.requestsOf('produce').length, 1);
      assert.equal(other.partition('t', 0).nextOffset, 1);
    } finally {
      await other.stop();
    }
  });

  it('routes keyed records with murmur2 like Kafka', async () => {
    const producer = client.producer({ lingerMs: 5 });
    await producer.connect();
    const keys = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', '21'];
    const results = await Promise.all(keys.map((key) => producer.produce('t', { key, value: key })));
    results.forEach((r, i) => assert.equal(r.partition, partitionForKey(Buffer.from(keys[i]!), 3)));
  });

  it('send() resolves one result per partition touched, with base offsets', async () => {
    const producer = client.producer({ lingerMs: 5 });
    await producer.connect();
    await producer.send({ topic: 't', messages: [{ value: 'x', partition: 1 }] });
    const results = await producer.send({ topic: 't', messages: [{ value: 'a', partition: 1 }, { value: 'b', partition: 2 }, { value: 'c', partition: 1 }] });
    const byPartition = new Map(results.map((r) => [r.partition, r.baseOffset]));
    assert.equal(byPartition.get(1), 1);
    assert.equal(byPartition.get(2), 0);
    assert.equal(results.length, 2);
  });

  it('send() split over several batches waits for all of them: a later batch failing rejects it', async () => {
    // Three 600-byte records with batchMaxBytes 1000: one batch each. The first is answered OK
    // (without storing it), the second fails for good.
    broker.inject('produce', { errorCode: ErrorCode.NONE }, { errorCode: ErrorCode.MESSAGE_TOO_LARGE, message: 'second batch refused' });
    const producer = client.producer({ lingerMs: 5, batchMaxBytes: 1000 });
    await producer.connect();
    const messages = [0, 1, 2].map(() => ({ value: Buffer.alloc(600), partition: 0 }));
    await assert.rejects(producer.send({ topic: 't', messages }), /second batch refused/);
    assert.ok(broker.requestsOf('produce').length >= 2);
  });

  it('sendBatch sends exactly one batch, keys, headers and timestamps intact', async () => {
    const producer = client.producer({ lingerMs: 1_000 });
    await producer.connect();
    const result = await producer.sendBatch('t', 2, [
      { key: 'k', value: 'v1', headers: { h: 'x' }, timestamp: 1_000 },
      { value: Buffer.from([1, 2]), timestamp: 1_005 },
    ]);
    assert.deepEqual(result, { topic: 't', partition: 2, baseOffset: 0 });
    const stored = broker.partition('t', 2).batches;
    assert.equal(stored.length, 1);
    const records = decodeBatch(stored[0]!.bytes, 0).records;
    assert.equal(records[0]!.key!.toString(), 'k');
    assert.equal(records[0]!.headers.h!.toString(), 'x');
    assert.deepEqual(records.map((r) => r.timestamp), [1_000, 1_005]);
  });

  it('flush() waits for lingering records', async () => {
    const producer = client.producer({ lingerMs: 60_000 });
    await producer.connect();
    const pending = producer.produce('t', { value: 'late', partition: 0 });
    await producer.flush();
    assert.equal((await pending).offset, 0);
  });

  it('with acks none resolves offsets as -1 and is not idempotent', async () => {
    const producer = client.producer({ acks: 'none', lingerMs: 0 });
    await producer.connect();
    const result = await producer.produce('t', { value: 'fire', partition: 0 });
    assert.equal(result.offset, -1);
    assert.equal(broker.requestsOf('initProducer').length, 0);
    assert.equal(broker.requestsOf('produce')[0].acks, 2);
  });

  it('splits batches at batchMaxBytes', async () => {
    const producer = client.producer({ lingerMs: 20, batchMaxBytes: 1_000 });
    await producer.connect();
    await Promise.all(Array.from({ length: 30 }, () => producer.produce('t', { value: Buffer.alloc(100), partition: 0 })));
    const batches = broker.partition('t', 0).batches;
    assert.ok(batches.length >= 3, `expected several batches, got ${batches.length}`);
    assert.equal(broker.partition('t', 0).nextOffset, 30);
  });

  describe('produce with a callback', () => {
    type Told = { error: Error | null; offset: number | undefined };
    const produceTold = (producer: ReturnType<SluiceClient['producer']>, topic: string, values: string[], partition?: number): Promise<Told[]> =>
      new Promise((resolve) => {
        const told: Told[] = [];
        for (const value of values) {
          producer.produce(topic, { value, partition }, (error, metadata) => {
            told.push({ error, offset: metadata?.offset });
            if (told.length === values.length) resolve(told);
          });
        }
      });

    it('tells each record its offset, batched into one request, and returns nothing', async () => {
      const producer = client.producer({ lingerMs: 20 });
      await producer.connect();
      const returned = producer.produce('t', { value: 'first', partition: 2 }, () => undefined);
      assert.equal(returned, undefined);
      const told = await produceTold(producer, 't', ['a', 'b', 'c'], 2);
      assert.deepEqual(told, [{ error: null, offset: 1 }, { error: null, offset: 2 }, { error: null, offset: 3 }]);
      assert.equal(broker.requestsOf('produce').length, 1);
    });

    it('tells every record of a failed batch the partition error', async () => {
      broker.inject('produce', { errorCode: ErrorCode.MESSAGE_TOO_LARGE, message: 'too large' });
      const producer = client.producer({ lingerMs: 20 });
      await producer.connect();
      const told = await produceTold(producer, 't', ['a', 'b'], 0);
      assert.equal(told.length, 2);
      for (const { error, offset } of told) {
        assert.ok(error instanceof SluicePartitionError);
        assert.equal(error.code, ErrorCode.MESSAGE_TOO_LARGE);
        assert.equal(offset, undefined);
      }
    });

    it('a callback that throws does not keep the other records of its batch from being told', async () => {
      const producer = client.producer({ lingerMs: 20 });
      await producer.connect();
      producer.produce('t', { value: 'boom', partition: 0 }, () => { throw new Error('user code failed'); });
      const told = await produceTold(producer, 't', ['after'], 0);
      assert.deepEqual(told, [{ error: null, offset: 1 }]);
    });

    it('waits for the metadata of a topic it has not seen, and tells an unknown topic as an error', async () => {
      broker.createTopic('late', 1);
      const producer = client.producer({ lingerMs: 0 });
      await producer.connect();
      assert.deepEqual(await produceTold(producer, 'late', ['x']), [{ error: null, offset: 0 }]);
      const [missing] = await produceTold(producer, 'no-such-topic', ['y']);
      assert.ok(missing!.error instanceof Error);
      assert.match(missing!.error.message, /no-such-topic/);
    });
  });

  it('refuses to produce before connect()', () => {
    const producer = client.producer();
    assert.throws(() => producer.produce('t', { value: 'x' }), /await producer.connect\(\) first/);
  });
});
