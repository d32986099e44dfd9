// A client that does not read what a stream sends it must not make the broker hold more and more
// for it: Subscribe stops reading partitions and ProduceStream stops taking requests until the
// client reads (docs/architecture.md, "Memory held for clients"). The clients speak HTTP/2
// directly and open a 1 KiB stream window, so what they accept is exactly known.
import assert from 'node:assert/strict';
import { brokerMetric as metric, encodeBatch, startBrokerFixture, type BrokerFixture } from './broker-fixture';
import { openRawGrpcStream, type RawGrpcStream } from './raw-grpc-stream';
import { until } from '../until';

const CLIENT_WINDOW_BYTES = 1024;
const PUSH_BYTES = 64 * 1024;

describe('broker streams whose client does not read', () => {
  let fx: BrokerFixture;
  let client: RawGrpcStream | undefined;
  beforeEach(async () => {
    fx = await startBrokerFixture();
  });
  afterEach(async () => {
    client?.close();
    client = undefined;
    await fx.close();
  });

  it('Subscribe stops reading partitions after two unsent pushes, and sends everything in order once the client reads', async () => {
    const batches = 24;
    await fx.admin('createTopics', { topics: [{ name: 's', partitions: 1 }] });
    for (let i = 0; i < batches; i++) {
      const value = Buffer.from(`${i}:`.padEnd(PUSH_BYTES - 200, 'x'));
      const produced = await fx.data('produce', { partitions: [{ topic: 's', partition: 0, batch: { records: [{ value }] } }] });
      assert.equal(produced.partitions[0].errorCode, 0, produced.partitions[0].errorMessage);
    }
    const fetchedAtStart = await metric(fx, 'sluice_fetch_bytes_total', 'topic="s"');
    client = openRawGrpcStream(fx.address, 'Subscribe', CLIENT_WINDOW_BYTES);
    client.send('SubscribeRequest', { partitions: [{ topic: 's', partition: 0, offset: 0 }], maxBytes: PUSH_BYTES });
    client.stream.end();

    // Either the stream parks (waiting for the client) or the broker reads past the bound.
    const pushesRead = await until(async () => {
      const pushes = ((await metric(fx, 'sluice_fetch_bytes_total', 'topic="s"')) - fetchedAtStart) / PUSH_BYTES;
      const parked = await metric(fx, 'sluice_streams_waiting_for_client', 'method="subscribe"');
      return parked === 1 || pushes > 3 ? pushes : undefined;
    }, 'the subscription to wait for its client');
    // One push partly in the client's window, one more queued behind it.
    assert.ok(pushesRead <= 2.1, `the broker read ${pushesRead.toFixed(1)} pushes for a client that accepted ${CLIENT_WINDOW_BYTES} bytes`);

    client.startReading('FetchResponse');
    const offsets = await until(async () => {
      const got = client!.received.flatMap((push) => push.partitions[0].batches.map((b: any) => Number(b.baseOffset)));
      return got.length >= batches ? got : undefined;
    }, 'every batch to reach the client');
    assert.deepEqual(offsets, Array.from({ length: batches }, (_, i) => i));
  });

  it('ProduceStream stops taking requests while its answers are unsent, then resumes in arrival order', async () => {
    const requests = 1000;
    await fx.admin('createTopics', { topics: [{ name: 'q', partitions: 1 }] });
    client = openRawGrpcStream(fx.address, 'ProduceStream', CLIENT_WINDOW_BYTES);
    for (let i = 0; i < requests; i++) {
      client.send('ProduceRequest', { acks: 1, correlationId: i + 1, partitions: [{ topic: 'q', partition: 0, batch: encodeBatch([`r${i}`]) }] });
    }
    const stored = (): Promise<number> => metric(fx, 'sluice_log_end_offset', 'topic="q",partition="0"');

    const storedWhenParked = await until(async () => {
      const count = await stored();
      const parked = await metric(fx, 'sluice_streams_waiting_for_client', 'method="produceStream"');
      return parked === 1 || count > 400 ? count : undefined;
    }, 'the stream to stop taking requests');
    // Up to 256 requests in flight (the stream's cap) are answered; about 25 answers fit the
    // client's 1 KiB window, 16 more wait in the call; 1 request is read ahead.
    assert.ok(storedWhenParked <= 256 + 50, `the broker stored ${storedWhenParked} of ${requests} requests for a client that read no answer`);

    client.startReading('ProduceResponse');
    await until(async () => (client!.received.length === requests ? true : undefined), 'every answer');
    assert.equal(await stored(), requests);
    for (const answer of client.received) {
      assert.equal(answer.partitions[0].errorCode, 0, answer.partitions[0].errorMessage);
      assert.equal(Number(answer.partitions[0].baseOffset), Number(answer.correlationId) - 1, 'arrival order = append order');
    }
  });
});
