// Mistakes a user makes in the client's own input fail at once with what was wrong, instead of
// being sent (and retried) as requests that cannot succeed.
import { strict as assert } from 'node:assert';
import { ErrorCode } from '../../src/common/errors';
import { SluiceClient, SluiceClientStateError, SluiceError } from '../../src/client';
import { FakeBroker } from './fake-broker';

describe('client input mistakes (fake broker)', () => {
  let broker: FakeBroker;

  beforeEach(async () => {
    broker = await new FakeBroker().start();
    broker.createTopic('t', 3);
  });

  afterEach(async () => {
    await broker.stop();
  });

  for (const address of ['9092', 'localhost', 'host:', ':9092', 'host:0', 'host:65536', 'host:90x2', '']) {
    it(`a bootstrap broker '${address}' that is not host:port is refused when the client is made`, () => {
      assert.throws(
        () => new SluiceClient({ brokers: [address] }),
        (error: unknown) => error instanceof SluiceClientStateError && error.message.includes(`'${address}'`) && /host:port/.test(error.message),
      );
    });
  }

  it('no bootstrap broker at all is refused', () => {
    assert.throws(() => new SluiceClient({ brokers: [] }), (error: unknown) => error instanceof SluiceClientStateError && /at least one/.test(error.message));
  });

  it('accepts host names, IPv4 and bracketed IPv6 addresses', async () => {
    for (const brokers of [['localhost:9092'], ['10.0.0.1:1'], ['[::1]:9092'], ['broker-1.example.com:65535']]) {
      await new SluiceClient({ brokers }).close();
    }
  });

  it('a record for a partition the topic does not have fails at once, without a produce request', async () => {
    const client = new SluiceClient({ brokers: [broker.address], retry: { retries: 3, initialBackoffMs: 50, maxBackoffMs: 50 } });
    try {
      const producer = client.producer();
      await producer.connect();
      await assert.rejects(producer.produce('t', { value: 'x', partition: 7 }), (error: unknown) => {
        assert.ok(error instanceof SluiceError);
        assert.equal(error.code, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        assert.equal(error.retriable, false);
        assert.match(error.message, /'t' has partitions 0\.\.2, not 7/);
        return true;
      });
      assert.equal(broker.requestsOf('produce').length, 0);
      // The partitions that exist still work.
      assert.equal((await producer.produce('t', { value: 'y', partition: 2 })).offset, 0);
    } finally {
      await client.close();
    }
  });

  it('a partition added since the metadata was read is found by a refresh, not refused', async () => {
    const client = new SluiceClient({ brokers: [broker.address] });
    try {
      const producer = client.producer();
      await producer.connect();
      await producer.produce('t', { value: 'warm', partition: 0 });
      broker.createTopic('t', 5); // grown behind the client's back
      assert.equal((await producer.produce('t', { value: 'new', partition: 4 })).offset, 0);
    } finally {
      await client.close();
    }
  });
});
