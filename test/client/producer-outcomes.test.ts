// The idempotent producer's unknown outcomes (docs/client.md, "Unknown outcomes"): a batch that
// may be stored never gives its sequence numbers to other records; giving it up bumps the epoch.
import { strict as assert } from 'node:assert';
import { ErrorCode } from '../../src/common/errors';
import { decodeBatch } from '../../src/protocol/batch-codec';
import { scanBatch } from '../../src/protocol/batch-scan';
import { isOutcomeUnknown, SluiceClient, SluiceDeliveryTimeoutError, SluicePartitionError, type Producer } from '../../src/client';
import { FakeBroker, type InjectedFailure } from './fake-broker';

const FAST_RETRY = { retries: 3, initialBackoffMs: 1, maxBackoffMs: 5 };

/** What a produce() promise settled with. */
type Outcome = { offset: number } | { error: Error };
const settle = (p: Promise<{ offset: number }>): Promise<Outcome> => p.then((r) => ({ offset: r.offset }), (error: Error) => ({ error }));

/** Every produce request's batches: partition, producer epoch, base sequence, record count. */
function sentBatches(broker: FakeBroker): { partition: number; epoch: number; sequence: number; count: number; values: string[] }[] {
  return broker.requestsOf('produce').flatMap((r) => r.partitions.map((p: { partition: number; batch: Buffer }) => {
    const scan = scanBatch(p.batch);
    assert.ok(scan.ok);
    const values = decodeBatch(Buffer.from(p.batch), 0).records.map((record) => record.value!.toString());
    return { partition: p.partition, epoch: scan.summary.producerEpoch, sequence: scan.summary.baseSequence, count: scan.summary.recordCount, values };
  }));
}

/** `count` answers NOT_ENOUGH_REPLICAS (refused before append). */
const refusals = (count: number): InjectedFailure[] => Array.from({ length: count }, () => ({ errorCode: ErrorCode.NOT_ENOUGH_REPLICAS }));

function storedValues(broker: FakeBroker, topic: string, partition: number): string[] {
  return broker.partition(topic, partition).batches.flatMap((b) => decodeBatch(b.bytes, b.baseOffset).records.map((r) => r.value!.toString()));
}

describe('client producer: unknown outcomes and the delivery timeout (fake broker)', () => {
  let broker: FakeBroker;
  let client: SluiceClient;

  beforeEach(async () => {
    broker = await new FakeBroker().start();
    broker.createTopic('t', 1);
    client = new SluiceClient({ brokers: [broker.address], retry: FAST_RETRY, requestTimeoutMs: 5_000 });
  });

  afterEach(async () => {
    await client.close();
    await broker.stop();
  });

  it('gives up a batch of unknown outcome at the delivery timeout without renumbering: later batches go with epoch + 1 from sequence 0', async () => {
    // The first batch is stored but answered OUTCOME_UNKNOWN; every resend is refused before it
    // is appended, until its delivery timeout. The second batch must not take its sequence.
    broker.failures.set('produce', [{ errorCode: ErrorCode.OUTCOME_UNKNOWN, apply: true }, ...refusals(100_000)]);
    const producer = client.producer({ lingerMs: 0, deliveryTimeoutMs: 300 });
    await producer.connect();
    const first = settle(producer.sendBatch('t', 0, [{ value: 'a' }]).then((r) => ({ offset: r.baseOffset })));
    const second = settle(producer.sendBatch('t', 0, [{ value: 'b' }]).then((r) => ({ offset: r.baseOffset })));
    const a = await first;
    broker.failures.delete('produce'); // the broker recovers once the first batch is given up
    assert.ok('error' in a, 'the first batch fails');
    assert.ok(a.error instanceof SluiceDeliveryTimeoutError, `a delivery timeout, got ${a.error.message}`);
    assert.equal(isOutcomeUnknown(a.error), true, 'it may be stored (it is)');
    const b = await second;
    assert.ok('offset' in b, `the second batch is acknowledged: ${'error' in b ? b.error.message : ''}`);
    const c = await producer.produce('t', { value: 'c', partition: 0 });
    assert.deepEqual(storedValues(broker, 't', 0), ['a', 'b', 'c']);
    assert.equal(b.offset, 1, 'b is acknowledged where b is stored');
    assert.equal(c.offset, 2);
    const lastOfB = sentBatches(broker).filter((s) => s.values[0] === 'b').pop()!;
    assert.deepEqual([lastOfB.epoch, lastOfB.sequence], [producer.identity.producerEpoch, 0]);
    assert.equal(producer.identity.producerEpoch, 1);
    const lastOfC = sentBatches(broker).filter((s) => s.values[0] === 'c').pop()!;
    assert.deepEqual([lastOfC.epoch, lastOfC.sequence], [1, 1]);
  });

  it('a broker that refuses connections fails records as certainly not stored: a request that never reached a connection proves nothing was appended', async () => {
    const producer = client.producer({ lingerMs: 0, deliveryTimeoutMs: 500 });
    await producer.connect();
    assert.equal((await producer.produce('t', { value: 'a', partition: 0 })).offset, 0);
    await broker.stop();
    // Wait until the producer's stream to the stopped broker has failed, so that the next
    // record goes on a stream that finds no connection.
    const outcome = await settle(producer.produce('t', { value: 'b', partition: 0 }));
    assert.ok('error' in outcome && outcome.error instanceof SluiceDeliveryTimeoutError, `a delivery timeout, got ${JSON.stringify(outcome)}`);
    const later = await settle(producer.produce('t', { value: 'c', partition: 0 }));
    assert.ok('error' in later && later.error instanceof SluiceDeliveryTimeoutError, `a delivery timeout, got ${JSON.stringify(later)}`);
    assert.equal(isOutcomeUnknown(later.error), false, later.error.message);
  });

  it('a definite rejection fails the batch as not stored and renumbers the later batches without an epoch bump', async () => {
    broker.inject('produce', { errorCode: ErrorCode.INVALID_RECORD, message: 'refused' });
    const producer = client.producer({ lingerMs: 0 });
    await producer.connect();
    const first = settle(producer.sendBatch('t', 0, [{ value: 'a' }]).then((r) => ({ offset: r.baseOffset })));
    const second = settle(producer.sendBatch('t', 0, [{ value: 'b' }]).then((r) => ({ offset: r.baseOffset })));
    const a = await first;
    assert.ok('error' in a && a.error instanceof SluicePartitionError && a.error.code === ErrorCode.INVALID_RECORD);
    assert.equal(isOutcomeUnknown(a.error), false);
    assert.deepEqual(await second, { offset: 0 });
    assert.deepEqual(storedValues(broker, 't', 0), ['b']);
    assert.equal(producer.identity.producerEpoch, 0);
    const lastOfB = sentBatches(broker).filter((s) => s.values[0] === 'b').pop()!;
    assert.deepEqual([lastOfB.epoch, lastOfB.sequence], [0, 0]);
  });

  it('acknowledges a batch answered OUTCOME_UNKNOWN, then DUPLICATE_SEQUENCE, at the offset the broker gives', async () => {
    broker.createTopic('d', 1);
    const seeder = client.producer({ lingerMs: 0, idempotent: false });
    await seeder.connect();
    await seeder.produce('d', { value: 'before', partition: 0 });
    broker.inject('produce', { errorCode: ErrorCode.OUTCOME_UNKNOWN, apply: true });
    const producer = client.producer({ lingerMs: 0 });
    await producer.connect();
    assert.equal((await producer.produce('d', { value: 'once', partition: 0 })).offset, 1);
    assert.deepEqual(storedValues(broker, 'd', 0), ['before', 'once']);
    assert.equal(producer.identity.producerEpoch, 0);
  });

  it('a batch stored under an unknown answer is learned from a later batch that the broker accepts behind it', async () => {
    // a is stored but answered OUTCOME_UNKNOWN; b (pipelined behind it) is accepted, which proves a
    // is stored; the resend of a learns its offset from DUPLICATE_SEQUENCE.
    broker.inject('produce', { errorCode: ErrorCode.OUTCOME_UNKNOWN, apply: true });
    const producer = client.producer({ lingerMs: 0 });
    await producer.connect();
    const [a, b] = await Promise.all([producer.sendBatch('t', 0, [{ value: 'a' }]), producer.sendBatch('t', 0, [{ value: 'b' }])]);
    assert.deepEqual([a.baseOffset, b.baseOffset], [0, 1]);
    assert.deepEqual(storedValues(broker, 't', 0), ['a', 'b']);
    assert.equal(producer.identity.producerEpoch, 0);
  });

  it('retries past retry.retries until the delivery timeout (default 120,000 ms)', async () => {
    broker.inject('produce', ...Array.from({ length: 10 }, () => ({ errorCode: ErrorCode.NOT_ENOUGH_REPLICAS })));
    const producer = client.producer({ lingerMs: 0 });
    await producer.connect();
    assert.equal((await producer.produce('t', { value: 'v', partition: 0 })).offset, 0);
    assert.equal(broker.requestsOf('produce').length, 11, 'ten refusals, then the acknowledgement');
  });

  it('fails a record refused before append until the delivery timeout as certainly not stored', async () => {
    broker.failures.set('produce', refusals(100_000));
    const producer = client.producer({ lingerMs: 0, deliveryTimeoutMs: 200 });
    await producer.connect();
    const outcome = await settle(producer.produce('t', { value: 'v', partition: 0 }));
    assert.ok('error' in outcome && outcome.error instanceof SluiceDeliveryTimeoutError);
    assert.equal(outcome.error.deliveryTimeoutMs, 200);
    assert.ok(outcome.error.attempts > FAST_RETRY.retries + 1, `${outcome.error.attempts} attempts`);
    assert.equal(isOutcomeUnknown(outcome.error), false);
    assert.equal(broker.partition('t', 0).nextOffset, 0);
  });

  it('refuses maxInFlight above 5 for an idempotent producer, and a bad deliveryTimeoutMs', () => {
    assert.throws(() => client.producer({ maxInFlight: 6 }), /maxInFlight 6.*at most 5.*idempotent: false/);
    assert.doesNotThrow(() => client.producer({ maxInFlight: 6, idempotent: false }));
    assert.throws(() => client.producer({ deliveryTimeoutMs: 0 }), /deliveryTimeoutMs/);
  });

  it('every failed record of a stream of batches is classified correctly while the broker answers unknown outcomes', async () => {
    // Two answers in three are OUTCOME_UNKNOWN, half of them after storing the batch. Whatever the
    // producer reports must match the log: acknowledged = stored at that offset; failed and not
    // unknown = absent.
    const failures: InjectedFailure[] = Array.from({ length: 400 }, (_, i) => (i % 3 === 2 ? { errorCode: ErrorCode.NOT_ENOUGH_REPLICAS } : { errorCode: ErrorCode.OUTCOME_UNKNOWN, apply: i % 3 === 0 }));
    broker.failures.set('produce', failures);
    const producer: Producer = client.producer({ lingerMs: 0, deliveryTimeoutMs: 2_000 });
    await producer.connect();
    const values = Array.from({ length: 60 }, (_, i) => `v${i}`);
    const outcomes = await Promise.all(values.map((value) => settle(producer.sendBatch('t', 0, [{ value }]).then((r) => ({ offset: r.baseOffset })))));
    const log = storedValues(broker, 't', 0);
    outcomes.forEach((outcome, i) => {
      if ('offset' in outcome) assert.equal(log[outcome.offset], values[i], `${values[i]} acknowledged at ${outcome.offset}`);
      else if (!isOutcomeUnknown(outcome.error)) assert.ok(!log.includes(values[i]!), `${values[i]} reported not stored: ${outcome.error.message}`);
    });
    assert.equal(new Set(log).size, log.length, 'nothing is stored twice');
  });
});
