import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { open, type RootDatabase } from 'lmdb';
import { moduleLogger } from '../../src/common/logger';
import { IndexWriteScheduler, SegmentIndex, type IndexDatabases, type IndexRecord } from '../../src/storage/segment-index';
import { tempDir } from './helpers';
import { until } from '../until';

const logger = moduleLogger('segment-index-test');
const record = (raftIndex: number): IndexRecord => ({
  segmentBase: 0,
  pos: raftIndex * 100,
  raftIndex,
  lastRaftIndex: raftIndex,
  baseOffset: raftIndex * 10,
  nextOffset: raftIndex * 10 + 10,
  timeKey: undefined,
});

describe('storage: segment index write batching', () => {
  let dir: ReturnType<typeof tempDir>;
  let env: RootDatabase;
  let dbs: IndexDatabases;
  beforeEach(() => {
    dir = tempDir();
    env = open({ path: join(dir.path, 'index'), compression: false, maxDbs: 16 });
    dbs = { env, offsets: env.openDB({ name: 'offsets' }), raft: env.openDB({ name: 'raft' }), times: env.openDB({ name: 'times' }), segments: env.openDB({ name: 'segments' }) };
  });
  afterEach(async () => {
    await env.close();
    dir.remove();
  });

  // A delay no test run reaches: only writeAll() or another write of the same index releases records.
  const neverByTimer = (): IndexWriteScheduler => new IndexWriteScheduler(3_600_000);

  it('holds appended records back and writes every partition in the same transaction', async () => {
    const scheduler = neverByTimer();
    const a = new SegmentIndex(dbs, 'a-0', logger, scheduler);
    const b = new SegmentIndex(dbs, 'b-0', logger, scheduler);
    const commitsBefore = env.getStats() as { lastTxnId: number };
    a.write([record(1), record(2)]);
    b.write([record(1)]);
    await env.committed;
    assert.equal(a.lookupRaft(1), undefined, 'a record was written before the scheduler released it');
    scheduler.writeAll();
    await env.committed;
    assert.deepEqual(a.lookupRaft(2), { segmentBase: 0, pos: 200 });
    assert.deepEqual(b.lookupRaft(1), { segmentBase: 0, pos: 100 });
    assert.deepEqual(a.lookupOffset(15), { segmentBase: 0, pos: 100 });
    const commitsAfter = env.getStats() as { lastTxnId: number };
    assert.equal(commitsAfter.lastTxnId - commitsBefore.lastTxnId, 1, 'both partitions should share one LMDB commit');
  });

  it('writes held records before a removal, so the removal sees them', async () => {
    const index = new SegmentIndex(dbs, 'a-0', logger, neverByTimer());
    index.write([record(1), record(2), record(3)]);
    index.removeSuffix(0, 20, 2);
    await env.committed;
    assert.deepEqual(index.lookupRaft(1), { segmentBase: 0, pos: 100 });
    assert.equal(index.lookupRaft(2), undefined);
    assert.equal(index.lookupRaft(3), undefined);
  });

  it('writes held records before a segment summary, and when asked for what is committed', async () => {
    const index = new SegmentIndex(dbs, 'a-0', logger, neverByTimer());
    index.write([record(1)]);
    await index.committed();
    assert.deepEqual(index.lookupRaft(1), { segmentBase: 0, pos: 100 });
    index.write([record(2)]);
    index.putSummary({ baseOffset: 0, nextOffset: 30, baseRaftIndex: 1, lastRaftIndex: 2, sizeBytes: 300, maxTimestampMs: 1, firstAppendTimeMs: 1, maxAppendTimeMs: 1, termStarts: [[1, 1]], lastEntryPos: 200, lastHeaderCrc: 0, corruptRaftIndexes: [] });
    await env.committed;
    assert.deepEqual(index.lookupRaft(2), { segmentBase: 0, pos: 200 });
    assert.equal(index.getSummary(0)?.lastRaftIndex, 2);
  });

  it('forgets held records when the partition is removed', async () => {
    const scheduler = neverByTimer();
    const index = new SegmentIndex(dbs, 'a-0', logger, scheduler);
    index.write([record(1)]);
    index.removeAll();
    scheduler.writeAll();
    await env.committed;
    assert.equal(index.lookupRaft(1), undefined);
  });

  it('writes held records on its own once the delay has passed', async () => {
    const index = new SegmentIndex(dbs, 'a-0', logger, new IndexWriteScheduler(5));
    index.write([record(1)]);
    await until(async () => {
      await env.committed;
      return index.lookupRaft(1) !== undefined;
    }, 'the held record to be written');
    assert.deepEqual(index.lookupRaft(1), { segmentBase: 0, pos: 100 });
  });
});
