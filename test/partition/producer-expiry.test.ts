// Idempotent-producer state expires on a partition once the producer has written nothing there
// for the broker's producerIdExpirationMs (Kafka's producer.id.expiration.ms), checked with retention.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../src/common/clock';
import { DEFAULT_LOG_CONFIG } from '../../src/storage/types';
import { encodeBatch } from '../broker/broker-fixture';
import { startSoleReplica, stopNode, type TestNode } from '../replication/replica-harness';

const HOUR_MS = 3_600_000;
/** Not the default (a day): the partition takes the configured value. */
const EXPIRATION_MS = 6 * HOUR_MS;

describe('producer id expiration on a partition', () => {
  let dir: string;
  let node: TestNode;

  afterEach(async () => {
    await stopNode(node);
    rmSync(dir, { recursive: true, force: true });
  });

  it('forgets a producer idle for producerIdExpirationMs at the retention check and keeps deduplicating one that wrote since', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-producer-expiry-'));
    const logConfig = { ...DEFAULT_LOG_CONFIG, flushPolicy: 'interval' as const, flushIntervalMs: HOUR_MS };
    const clock = new ManualClock(1_765_000_000_000);
    node = await startSoleReplica(dir, { logConfig, clock, producerIdExpirationMs: EXPIRATION_MS });
    const partition = node.partition;
    const produce = (producerId: number, values: string[]) =>
      partition.produce({ batch: encodeBatch(values, { producerId, baseSequence: 0, timestampMs: 1_765_000_000_000 }), acks: 'all', recordCount: values.length, maxTimestampMs: 0, producerId, producerEpoch: 0, baseSequence: 0 });

    const idle = await produce(7, ['a', 'b']);
    clock.advance(EXPIRATION_MS - HOUR_MS);
    const recent = await produce(8, ['c']);
    assert.ok(idle.ok && recent.ok);
    clock.advance(2 * HOUR_MS); // producer 7 idle for seven hours, producer 8 for an hour
    await partition.applyRetention();

    const resentRecent = await produce(8, ['c']);
    assert.ok(resentRecent.ok && resentRecent.baseOffset === recent.baseOffset, 'producer 8 is still deduplicated');
    const resentIdle = await produce(7, ['a', 'b']);
    assert.ok(resentIdle.ok && resentIdle.baseOffset === 3, `producer 7 was forgotten: its batch is appended again, at ${JSON.stringify(resentIdle)}`);
  });
});
