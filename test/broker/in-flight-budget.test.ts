// The broker-wide budget for bytes held for clients (limits.maxInFlightBytes): past it a unary
// Produce is refused with RESOURCE_EXHAUSTED naming the limit, and /metrics shows what is held.
import * as grpc from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import { resolveBrokerConfig } from '../../src/broker/config';
import { startBrokerFixture, type BrokerFixture, brokerMetric as metric } from './broker-fixture';
import { openRawGrpcStream, type RawGrpcStream } from './raw-grpc-stream';
import { SluiceClient } from '../../src/client';
import { until } from '../until';


const MIB = 1024 * 1024;
const PUSH_BYTES = 600 * 1024;

describe('broker in-flight memory budget (limits.maxInFlightBytes)', () => {
  let fx: BrokerFixture;
  let subscriber: RawGrpcStream | undefined;
  before(async () => {
    fx = await startBrokerFixture({ limits: { maxRequestBytes: MIB, maxInFlightBytes: MIB } });
    await fx.admin('createTopics', { topics: [{ name: 'b', partitions: 1 }] });
  });
  after(async () => {
    subscriber?.close();
    await fx.close();
  });

  const produce = (text: string): Promise<any> =>
    fx.data('produce', { partitions: [{ topic: 'b', partition: 0, batch: { records: [{ value: Buffer.from(text.padEnd(PUSH_BYTES - 200, 'x')) }] } }] });

  it('refuses a Produce with RESOURCE_EXHAUSTED while unsent pushes hold the budget, and takes it once they are sent', async () => {
    for (let i = 0; i < 4; i++) assert.equal((await produce(`${i}`)).partitions[0].errorCode, 0);
    assert.equal(await metric(fx, 'sluice_in_flight_limit_bytes'), MIB);
    // A subscriber that does not read: two pushes of 600 KiB wait for it, 1.2 MiB > 1 MiB.
    subscriber = openRawGrpcStream(fx.address, 'Subscribe', 1024);
    subscriber.send('SubscribeRequest', { partitions: [{ topic: 'b', partition: 0, offset: 0 }], maxBytes: PUSH_BYTES });
    subscriber.stream.end();
    await until(async () => (await metric(fx, 'sluice_in_flight_bytes')) >= MIB, 'the pushes to fill the budget');

    const refused = await produce('late').then(
      () => assert.fail('a Produce over the budget was taken'),
      (error: grpc.ServiceError) => error,
    );
    assert.equal(refused.code, grpc.status.RESOURCE_EXHAUSTED);
    assert.match(refused.details, /limits\.maxInFlightBytes=1048576/);
    // gRPC's standard server pushback: a client may retry after this many ms (nothing was taken).
    assert.ok(Number(refused.metadata.get('grpc-retry-pushback-ms')[0]) > 0, 'a retry pushback trailer');

    // The client's producer sends on a ProduceStream, which waits while the budget is full (the
    // broker stops reading it) instead of failing the record.
    const client = new SluiceClient({ brokers: [fx.address] });
    try {
      const producer = client.producer({ acks: 'all' });
      await producer.connect();
      const stored = producer.produce('b', { value: 'waited', partition: 0 });
      subscriber.startReading('FetchResponse');
      await until(async () => (await metric(fx, 'sluice_in_flight_bytes')) < MIB, 'the pushes to be sent');
      assert.equal((await stored).offset, 4);
      assert.equal((await produce('after')).partitions[0].errorCode, 0);
    } finally {
      await client.close();
    }
  });

  it('defaults to 512 MiB and refuses a budget smaller than limits.maxRequestBytes', () => {
    assert.equal(resolveBrokerConfig({}).limits.maxInFlightBytes, 512 * MIB);
    assert.throws(() => resolveBrokerConfig({ limits: { maxRequestBytes: 2 * MIB, maxInFlightBytes: MIB } }), /limits\.maxInFlightBytes 1048576 is invalid: use at least limits\.maxRequestBytes \(2097152\)/);
  });
});
