// What a partition that is its group's only voter (every partition of a one-broker cluster)
// answers when its storage fails, and that a retry of a batch still in flight is answered as its
// original is: a batch written but not known to be durable is OUTCOME_UNKNOWN (it may survive the
// restart); a batch whose write failed is STORAGE_ERROR (the log is unchanged), and so is its
// retry, which was answered "stored" at once before.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '../../src/common/errors';
import type { Acks, ProduceOutcome } from '../../src/partition/replica';
import { nodeFileIo, type FileIo } from '../../src/storage/file-io';
import { encodeBatch } from '../broker/broker-fixture';
import { startSoleReplica, stopNode, type TestNode } from '../replication/replica-harness';

const PRODUCER = { producerId: 9, producerEpoch: 0 };
const describeOutcome = (o: ProduceOutcome): string => (o.ok ? `${ErrorCode[o.code]} at ${o.baseOffset}` : `${ErrorCode[o.code]}: ${o.message}`);

describe('partition with one voter: outcomes under storage failures', () => {
  let dir: string;
  let node: TestNode;
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
    node.partition.produce({ batch: encodeBatch([value], { ...PRODUCER, baseSequence, timestampMs: 1_000 }), acks, recordCount: 1, maxTimestampMs: 0, ...PRODUCER, baseSequence });

  beforeEach(async () => {
    failing = undefined;
    dir = mkdtempSync(join(tmpdir(), 'sluice-partition-outcomes-'));
    node = await startSoleReplica(dir, { io });
  });

  afterEach(async () => {
    failing = undefined;
    await stopNode(node).catch(() => undefined);
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
    assert.equal(node.log.logEndOffset, 1, 'nothing of the failed batch is stored');
  });
});
