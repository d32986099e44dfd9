// A partition that is its group's only voter (every partition of a one-broker cluster) commits
// at the fsync under flush.policy=batch, at the write under flush.policy=interval (the timer
// fsyncs later).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReplicatedPartition } from '../../src/partition/replicated-partition';
import { DEFAULT_LOG_CONFIG, type LogConfig, type PartitionLog } from '../../src/storage/types';
import { encodeBatch } from '../broker/broker-fixture';
import { startSoleReplica, stopNode, type TestNode } from '../replication/replica-harness';

const HOUR_MS = 3_600_000;

describe('partition with one voter under flush.policy', () => {
  let dir: string;
  let node: TestNode;
  let log: PartitionLog;
  let partition: ReplicatedPartition;

  async function open(flushPolicy: LogConfig['flushPolicy']): Promise<void> {
    dir = mkdtempSync(join(tmpdir(), 'sluice-partition-flush-'));
    node = await startSoleReplica(dir, { logConfig: { ...DEFAULT_LOG_CONFIG, flushPolicy, flushIntervalMs: HOUR_MS } });
    log = node.log;
    partition = node.partition;
  }
  const produce = (values: string[]) =>
    partition.produce({ batch: encodeBatch(values), acks: 'all', recordCount: values.length, maxTimestampMs: 0, producerId: 0, producerEpoch: 0, baseSequence: 0 });

  afterEach(async () => {
    await stopNode(node);
    rmSync(dir, { recursive: true, force: true });
  });

  it('interval: acknowledges acks=all and exposes the batch once written, before the timer fsyncs it', async () => {
    await open('interval');
    const outcome = await produce(['a', 'b']);
    assert.ok(outcome.ok && outcome.baseOffset === 0, JSON.stringify(outcome));
    assert.equal(partition.highWatermark, 2);
    assert.ok(log.syncedRaftIndex < log.lastRaftIndex, `fsynced up to ${log.syncedRaftIndex} of ${log.lastRaftIndex}: the ack should not have waited`);
  });

  it('interval: appends a batch produced by a caller that the previous answer resumed', async () => {
    await open('interval');
    const first = await produce(['a']);
    // Produced in the microtask that the first answer resumed, while its drain was finishing:
    // this batch waited for some later produce to start a drain, for ever if none came.
    const second = await produce(['b']);
    assert.ok(first.ok && second.ok, JSON.stringify([first, second]));
    assert.deepEqual([first.baseOffset, second.baseOffset], [0, 1]);
  });

  it('batch: acknowledges acks=all only once the batch is fsynced', async () => {
    await open('batch');
    const outcome = await produce(['a', 'b']);
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.equal(log.syncedRaftIndex, log.lastRaftIndex);
    assert.equal(partition.highWatermark, 2);
  });

  it('appends the batches produced in one event-loop turn as one write, and wakes a waiting consumer once for all of them', async () => {
    await open('interval');
    const appendSizes: number[] = [];
    const append = log.append.bind(log);
    log.append = (entries) => {
      appendSizes.push(entries.length);
      return append(entries);
    };
    // What a waiting consumer can read when it is woken: all three batches, so one push.
    const woken = partition.changed.wait(60_000).then((changed) => ({ changed, highWatermark: partition.highWatermark }));
    const outcomes = await Promise.all([produce(['a', 'b']), produce(['c']), produce(['d', 'e', 'f'])]);
    assert.deepEqual(outcomes.map((o) => (o.ok ? o.baseOffset : o.message)), [0, 2, 3]);
    assert.deepEqual(appendSizes, [3], 'one append for the three batches of the turn');
    assert.deepEqual(await woken, { changed: true, highWatermark: 6 });

    const later = await produce(['g']);
    assert.ok(later.ok && later.baseOffset === 6, JSON.stringify(later));
    assert.deepEqual(appendSizes, [3, 1], 'a batch of a later turn is its own append');
  });
});
