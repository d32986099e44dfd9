// A leader that stops answering (docs/client.md, "A leader that stops answering"): keyless records
// keep flowing to the partitions that drain, and a request left unanswered is resent to the new
// leader once metadata names one, long before the request timeout.
import { strict as assert } from 'node:assert';
import { scanBatch } from '../../src/protocol/batch-scan';
import { SluiceClient } from '../../src/client';
import { FakeCluster } from './fake-broker';
import { until } from '../until';

const FAST_RETRY = { retries: 3, initialBackoffMs: 1, maxBackoffMs: 5 };

describe('client producer: a leader that stops answering (fake brokers)', () => {
  let cluster: FakeCluster;
  let client: SluiceClient;
  let release: () => void;

  beforeEach(async () => {
    cluster = await FakeCluster.start(2);
    // A request timeout far longer than the test: only abandoning can resend a stalled request.
    client = new SluiceClient({ brokers: [cluster.broker(2).address], retry: FAST_RETRY, requestTimeoutMs: 120_000 });
    cluster.broker(1).produceGate = new Promise<void>((resolve) => { release = resolve; });
  });

  afterEach(async () => {
    release();
    await client.close();
    await cluster.stop();
  });

  it('keeps acknowledging keyless records on the partitions whose leader answers', async () => {
    cluster.createTopic('t', 3, [1, 2, 2]);
    const producer = client.producer({ lingerMs: 1 });
    await producer.connect();
    const acked = [0, 0, 0];
    let failed = 0;
    let produced = 0;
    // Keyless records, a few per loop turn, until 600 are acknowledged on the healthy partitions.
    while (acked[1]! + acked[2]! < 600) {
      assert.ok(produced < 200_000, `only ${acked[1]! + acked[2]!} of ${produced} keyless records were acknowledged`);
      for (let i = 0; i < 5; i++, produced++) {
        producer.produce('t', { value: `v${produced}` }, (error, metadata) => {
          if (error) failed++;
          else acked[metadata!.partition]!++;
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    assert.equal(acked[0], 0, 'nothing is acknowledged by the stalled leader');
    assert.equal(failed, 0);
  });

  it('resends an unanswered request to the new leader, same sequence, once metadata names it', async () => {
    cluster.createTopic('t', 1, [1]);
    const producer = client.producer({ lingerMs: 0 });
    await producer.connect();
    const ack = producer.produce('t', { value: 'a', partition: 0 });
    await until(() => cluster.requestsOf('produce', 1).length === 1, 'the stalled leader to receive the request');
    cluster.setLeader('t', 0, 2);
    assert.equal((await ack).offset, 0);
    const sent = [1, 2].map((id) => cluster.requestsOf('produce', id).map((r) => {
      const scan = scanBatch(r.partitions[0].batch);
      assert.ok(scan.ok);
      return [scan.summary.producerEpoch, scan.summary.baseSequence];
    }));
    assert.deepEqual(sent, [[[0, 0]], [[0, 0]]], 'the same batch went to the new leader');
    assert.equal(cluster.broker(2).partition('t', 0).nextOffset, 1);
    // The old leader wakes up and answers the abandoned request (NOT_LEADER): nothing changes.
    release();
    assert.equal((await producer.produce('t', { value: 'b', partition: 0 })).offset, 1);
    assert.equal(cluster.broker(2).partition('t', 0).nextOffset, 2);
  });
});
