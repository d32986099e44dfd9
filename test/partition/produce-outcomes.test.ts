// What a single-replica partition answers when its storage fails, and that a retry of a batch
// still in flight is answered as its original is: a batch written but not known to be durable
// is OUTCOME_UNKNOWN (it may survive the restart); a batch whose write failed is STORAGE_ERROR
// (the log is unchanged), and so is its retry, which was answered "stored" at once before.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../src/common/clock';
import { ErrorCode } from '../../src/common/errors';
import { moduleLogger } from '../../src/common/logger';
import { Partition } from '../../src/partition/partition';
import type { Acks, ProduceOutcome } from '../../src/partition/replica';
import { nodeFileIo, type FileIo } from '../../src/storage/file-io';
import { StorageEngine } from '../../src/storage/storage-engine';
import { DEFAULT_LOG_CONFIG, type PartitionLog } from '../../src/storage/types';
import { encodeBatch } from '../broker/broker-fixture';

const TP = { topic: 'faulty', partition: 0 };
const PRODUCER = { producerId: 9, producerEpoch: 0 };
const describeOutcome = (o: ProduceOutcome): string => (o.ok ? `${ErrorCode[o.code]} at ${o.baseOffset}` : `${ErrorCode[o.code]}: ${o.message}`);

describe('single-replica partition: outcomes under storage failures', () => {
  let dir: string;
  let engine: StorageEngine;
  let log: PartitionLog;
  let partition: Partition;
  let failing: 'fdatasync' | 'writev' | undefined;

  const io: FileIo = {
    ...nodeFileIo,
    fdatasync: async (fd) => {
      if (failing === 'fdatasync') throw Object.assign(new Error('EIO: i/o error, fdatasync (injected)'), { code: 'EIO' });
      return nodeFileIo.fdatasync(fd);
    },
    writev: async (fd, buffers, position) => {
      if (failing === 'writev') throw Object.assign(new Error('ENOSPC: no space left on device, write (injected)'), { code: 'ENOSPC' });
      return nodeFileIo.writev(fd, buffers, position);
    },
  };

  const produceAs = (baseSequence: number, value: string, acks: Acks): Promise<ProduceOutcome> =>
    partition.produce({ batch: encodeBatch([value], { ...PRODUCER, baseSequence, timestampMs: 1_000 }), acks, recordCount: 1, maxTimestampMs: 0, ...PRODUCER, baseSequence });

  beforeEach(async () => {
    failing = undefined;
    dir = mkdtempSync(join(tmpdir(), 'sluice-partition-outcomes-'));
    engine = await StorageEngine.open({ dataDir: dir, io });
    log = await engine.openLog(TP.topic, TP.partition, DEFAULT_LOG_CONFIG);
    partition = await Partition.open(TP, log, DEFAULT_LOG_CONFIG, systemClock, moduleLogger('test'));
  });

  afterEach(async () => {
    failing = undefined;
    await partition.close();
    await engine.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers OUTCOME_UNKNOWN, to the batch and to its retry, when the fsync after the write fails', async () => {
    assert.ok((await produceAs(0, 'first', 'all')).ok);
    failing = 'fdatasync';
    const outcomes = await Promise.all([produceAs(1, 'second', 'all'), produceAs(1, 'second', 'all')]);
    for (const outcome of outcomes) assert.equal(outcome.code, ErrorCode.OUTCOME_UNKNOWN, describeOutcome(outcome));
  });

  it('answers STORAGE_ERROR, to the batch and to its acks=leader retry, when the write fails', async () => {
    assert.ok((await produceAs(0, 'first', 'all')).ok);
    failing = 'writev';
    const outcomes = await Promise.all([produceAs(1, 'second', 'all'), produceAs(1, 'second', 'leader')]);
    for (const outcome of outcomes) assert.equal(outcome.code, ErrorCode.STORAGE_ERROR, describeOutcome(outcome));
    assert.equal(log.logEndOffset, 1, 'nothing of the failed batch is stored');
  });
});
