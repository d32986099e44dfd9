// Idempotent-producer state of a partition that is its group's only voter (a one-broker
// cluster's) is exact after a restart, whatever the others wrote since: after a clean close from
// the table kept with it, after a crash from a producer-state snapshot and the log after it (or
// the whole log), and after a failed append (after which the partition restarts its group).
// A retry is a duplicate only with the stored batch's bytes.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '../../src/common/errors';
import type { ProduceOutcome } from '../../src/partition/replica';
import { type FileIo, nodeFileIo } from '../../src/storage/file-io';
import { DEFAULT_LOG_CONFIG, type LogConfig } from '../../src/storage/types';
import { encodeBatch } from '../broker/broker-fixture';
import { until } from '../until';
import { startSoleReplica, stopNode, type TestNode } from '../replication/replica-harness';
/** More entries by other producers than the 2,000 the table used to be rebuilt from. */
const OTHERS = 2_500;
const ONCE = encodeBatch(['once'], { producerId: 7, baseSequence: 0 });

describe('idempotent producers across a restart (a partition with one voter)', () => {
  let dir: string;
  let node: TestNode;
  /** Set to make every segment write fail with ENOSPC. */
  let diskFull = false;
  const io: FileIo = {
    ...nodeFileIo,
    writev: (fd, buffers, position) => (diskFull ? Promise.reject(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' })) : nodeFileIo.writev(fd, buffers, position)),
  };

  const open = async (config: LogConfig): Promise<void> => {
    node = await startSoleReplica(dir, { logConfig: config, io });
  };
  const produce = (producerId: number, baseSequence: number, batch: Buffer): Promise<ProduceOutcome> =>
    node.partition.produce({ batch, acks: 'all', recordCount: 1, maxTimestampMs: 0, producerId, producerEpoch: 0, baseSequence });
  const writeHistory = async (config: LogConfig): Promise<void> => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-producer-restart-'));
    await open(config);
    assert.ok((await produce(7, 0, ONCE)).ok);
    const others = Array.from({ length: OTHERS }, (_, i) => produce(0, 0, encodeBatch([`other-${i}`])));
    assert.ok((await Promise.all(others)).every((o) => o.ok));
  };
  const assertRetryIsDuplicate = async (): Promise<void> => {
    const retried = await produce(7, 0, ONCE);
    assert.deepEqual(retried.ok && [retried.code, retried.baseOffset], [ErrorCode.DUPLICATE_SEQUENCE, 0], JSON.stringify(retried));
    const other = await produce(7, 0, encodeBatch(['other bytes'], { producerId: 7, baseSequence: 0 }));
    assert.equal(other.ok ? other.code : other.code, ErrorCode.INVALID_DUPLICATE, 'the same sequence range with other bytes is refused');
    const next = await produce(7, 1, encodeBatch(['next'], { producerId: 7, baseSequence: 1 }));
    assert.ok(next.ok && next.code === ErrorCode.NONE && next.baseOffset === OTHERS + 1, JSON.stringify(next));
  };
  /** Closes the log without the partition's table and without a clean summary: as kill -9 leaves it. */
  const crashAndReopen = async (config: LogConfig): Promise<void> => {
    await node.host.stop();
    await node.engine.close();
    await open(config);
  };

  afterEach(async () => {
    diskFull = false;
    await stopNode(node);
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a batch retried after a clean restart as a duplicate, from the table kept with the close', async () => {
    const config = { ...DEFAULT_LOG_CONFIG, flushPolicy: 'interval' as const, flushIntervalMs: 3_600_000 };
    await writeHistory(config);
    await stopNode(node);
    await open(config);
    await assertRetryIsDuplicate();
  });

  it('after a crash with no producer-state snapshot yet, rebuilds the table from the whole log', async () => {
    const config = { ...DEFAULT_LOG_CONFIG, flushPolicy: 'interval' as const, flushIntervalMs: 3_600_000 };
    await writeHistory(config);
    assert.equal(node.log.stateSnapshots.list().length, 0);
    await crashAndReopen(config);
    await assertRetryIsDuplicate();
  });

  it('after a crash, rebuilds the table from the newest snapshot (taken at segment rolls) and the log after it', async () => {
    const config = { ...DEFAULT_LOG_CONFIG, segmentBytes: 16 * 1024 };
    await writeHistory(config);
    const log = node.log;
    await until(() => log.stateSnapshots.list().length > 0, 'a producer-state snapshot');
    await crashAndReopen(config);
    await assertRetryIsDuplicate();
  });

  it('keeps the table exact through a failed append', async () => {
    const config = { ...DEFAULT_LOG_CONFIG, flushPolicy: 'interval' as const, flushIntervalMs: 3_600_000 };
    await writeHistory(config);
    diskFull = true;
    const failed = await produce(8, 0, encodeBatch(['lost'], { producerId: 8, baseSequence: 0 }));
    assert.equal(failed.ok ? failed.code : failed.code, ErrorCode.STORAGE_ERROR);
    diskFull = false;
    await assertRetryIsDuplicate();
    const notStored = await produce(8, 0, encodeBatch(['lost'], { producerId: 8, baseSequence: 0 }));
    assert.ok(notStored.ok && notStored.code === ErrorCode.NONE, `the failed batch was not stored, so its producer starts afresh: ${JSON.stringify(notStored)}`);
  });
});

