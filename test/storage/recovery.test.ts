import { strict as assert } from 'node:assert';
import { appendFileSync, openSync, readSync, closeSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { open } from 'lmdb';
import { ErrorCode, SluiceError } from '../../src/common/errors';
import { asOffset, asRaftIndex } from '../../src/common/ids';
import { HEADER_BYTES } from '../../src/storage/entry-format';
import { RECENT_ENTRY_MAX_BYTES } from '../../src/storage/recent-entries';
import { SegmentIndex } from '../../src/storage/segment-index';
import { StorageEngine } from '../../src/storage/storage-engine';
import { batchBytes, config, dataEntry, entries, tempDir } from './helpers';

describe('storage: recovery', () => {
  let dir: ReturnType<typeof tempDir>;
  let engine: StorageEngine;
  beforeEach(async () => {
    dir = tempDir();
    engine = await StorageEngine.open({ dataDir: dir.path });
  });
  afterEach(async () => {
    await engine.close();
    dir.remove();
  });
  const segPath = (base: number): string => join(dir.path, 'partitions', 't-0', `${String(base).padStart(20, '0')}.log`);
  const reopen = async (cfg = config()) => {
    await engine.close();
    engine = await StorageEngine.open({ dataDir: dir.path });
    return engine.openLog('t', 0, cfg);
  };
  const entrySize = HEADER_BYTES + 200;

  it('truncates a torn final batch on recovery', async () => {
    const log = await engine.openLog('t', 0, config());
    await log.append(entries(1, 3));
    await log.sync();
    await engine.close();
    // A fourth entry whose header made it to disk but whose batch did not.
    const full = Buffer.alloc(entrySize);
    const fd = openSync(segPath(0), 'r');
    readSync(fd, full, 0, entrySize, 0);
    closeSync(fd);
    appendFileSync(segPath(0), full.subarray(0, HEADER_BYTES + 50));
    const again = await reopen();
    assert.equal(again.lastRaftIndex, 3);
    assert.equal(statSync(segPath(0)).size, 3 * entrySize);
    await again.append([dataEntry(4)]);
    const r = await again.read(asOffset(0), asOffset(100), 1 << 20);
    assert.deepEqual(r.entries.map((e) => e.header.raftIndex), [1, 2, 3, 4]);
  });

  it('truncates a partial header and trailing garbage on recovery', async () => {
    const log = await engine.openLog('t', 0, config());
    await log.append(entries(1, 2));
    await engine.close();
    appendFileSync(segPath(0), Buffer.from('garbage that is not an entry header at all, just noise'));
    const again = await reopen();
    assert.equal(again.lastRaftIndex, 2);
    assert.equal(again.logEndOffset, 20);
    assert.equal(statSync(segPath(0)).size, 2 * entrySize);
  });

  it('detects a CRC mismatch in the middle of a segment and never serves that entry', async () => {
    const log = await engine.openLog('t', 0, config());
    await log.append(entries(1, 3));
    await engine.close();
    rmSync(join(dir.path, 'index'), { recursive: true }); // force a full verifying scan
    const fd = openSync(segPath(0), 'r+');
    writeSync(fd, Buffer.from([0xde, 0xad]), 0, 2, entrySize + HEADER_BYTES + 100); // inside batch 2
    closeSync(fd);
    const again = await reopen();
    assert.equal(again.lastRaftIndex, 3, 'the valid entry after the damage is kept');
    assert.equal(again.corruptRaftIndex, 2);
    const first = await again.read(asOffset(0), asOffset(10), 1 << 20);
    assert.deepEqual(first.entries.map((e) => e.header.raftIndex), [1]);
    await assert.rejects(again.read(asOffset(10), asOffset(30), 1 << 20), (e: SluiceError) => e.code === ErrorCode.CORRUPT_MESSAGE);
    await assert.rejects(again.readByRaftIndex(asRaftIndex(2), asRaftIndex(3), 1 << 20), (e: SluiceError) => e.code === ErrorCode.CORRUPT_MESSAGE);
    const third = await again.read(asOffset(20), asOffset(30), 1 << 20);
    assert.deepEqual(third.entries[0]!.batch, batchBytes(3));
  });

  it('finds a bit flipped in a closed segment whose index summary it would trust', async () => {
    const log = await engine.openLog('t', 0, config({ segmentBytes: 1200 }));
    for (let i = 1; i <= 12; i += 3) await log.append(entries(i, 3));
    await engine.close();
    const fd = openSync(segPath(0), 'r+');
    const byte = Buffer.alloc(1);
    readSync(fd, byte, 0, 1, entrySize + HEADER_BYTES + 100);
    writeSync(fd, Buffer.from([byte[0]! ^ 0x01]), 0, 1, entrySize + HEADER_BYTES + 100); // one bit of batch 2
    closeSync(fd);
    const again = await reopen(config({ segmentBytes: 1200 }));
    assert.equal(again.corruptRaftIndex, 2);
    await assert.rejects(again.readByRaftIndex(asRaftIndex(2), asRaftIndex(3), 1 << 20), (e: SluiceError) => e.code === ErrorCode.CORRUPT_MESSAGE);
    assert.equal(again.lastRaftIndex, 12);
  });

  it('refuses to serve a batch damaged after open', async () => {
    const log = await engine.openLog('t', 0, config());
    await log.append(entries(1, 3));
    // An entry too large for the recent-entries window empties it: the reads below go to the segment.
    await log.append([dataEntry(4, { size: RECENT_ENTRY_MAX_BYTES + 1 })]);
    const fd = openSync(segPath(0), 'r+');
    writeSync(fd, Buffer.from([0xff]), 0, 1, HEADER_BYTES + 10);
    closeSync(fd);
    await assert.rejects(log.read(asOffset(0), asOffset(30), 1 << 20), (e: SluiceError) => e.code === ErrorCode.CORRUPT_MESSAGE);
    assert.equal(log.corruptRaftIndex, 1);
  });

  it('rebuilds the index when the LMDB directory is deleted', async () => {
    const log = await engine.openLog('t', 0, config({ segmentBytes: 1200 }));
    for (let i = 1; i <= 30; i += 3) await log.append(entries(i, 3, { maxTimestampMs: 5000 + i }));
    await engine.close();
    rmSync(join(dir.path, 'index'), { recursive: true });
    const again = await reopen(config({ segmentBytes: 1200 }));
    assert.equal(again.logEndOffset, 300);
    const r = await again.readByRaftIndex(asRaftIndex(7), asRaftIndex(9), 1 << 20);
    assert.deepEqual(r.map((e) => e.header.raftIndex), [7, 8]);
    assert.equal(await again.offsetForTimestamp(5013), 120);
    // The index is back: a fresh LMDB now holds every raft index.
    await engine.close();
    const env = open({ path: join(dir.path, 'index'), maxDbs: 16 });
    const raft = env.openDB({ name: 'raft' });
    assert.equal([...raft.getKeys({ start: ['t-0', -1], end: ['t-0', Number.MAX_SAFE_INTEGER] })].length, 30);
    await env.close();
    engine = await StorageEngine.open({ dataDir: dir.path });
  });

  it('rebuilds index entries that were never written before a crash', async () => {
    const log = await engine.openLog('t', 0, config({ segmentBytes: 1200 }));
    for (let i = 1; i <= 20; i++) await log.append([dataEntry(i)]);
    await engine.close();
    // Simulate index writes lost in a crash: drop the newest half of every index table.
    const env = open({ path: join(dir.path, 'index'), maxDbs: 16 });
    for (const name of ['raft', 'offsets']) {
      const db = env.openDB({ name });
      for (const key of [...db.getKeys({ start: ['t-0', 10], end: ['t-0', Number.MAX_SAFE_INTEGER] })]) db.removeSync(key);
    }
    const segs = env.openDB({ name: 'segments' });
    for (const key of [...segs.getKeys({ start: ['t-0', 50], end: ['t-0', Number.MAX_SAFE_INTEGER] })]) segs.removeSync(key);
    await env.close();
    const again = await reopen(config({ segmentBytes: 1200 }));
    assert.equal(again.lastRaftIndex, 20);
    const r = await again.read(asOffset(0), asOffset(200), 1 << 20);
    assert.deepEqual(r.entries.map((e) => e.header.raftIndex), Array.from({ length: 20 }, (_, i) => i + 1));
    const mid = await again.readByRaftIndex(asRaftIndex(12), asRaftIndex(14), 1 << 20);
    assert.deepEqual(mid.map((e) => e.header.raftIndex), [12, 13]);
  });

  /** Removes what a clean close leaves for the next open (the active segment's summary), as a crash would. */
  const forgetCleanClose = async (): Promise<void> => {
    const env = open({ path: join(dir.path, 'index'), maxDbs: 16 });
    await env.openDB({ name: 'segments' }).remove(['t-0', 0]);
    await env.close();
  };
  const raftKeys = async (): Promise<number[]> => {
    await engine.close();
    const env = open({ path: join(dir.path, 'index'), maxDbs: 16 });
    const keys = [...env.openDB({ name: 'raft' }).getKeys({ start: ['t-0', -1], end: ['t-0', Number.MAX_SAFE_INTEGER] })].map((k) => (k as number[])[1]!);
    await env.close();
    engine = await StorageEngine.open({ dataDir: dir.path });
    return keys;
  };

  it('rewrites only the index records after the last indexed entry when the index holds the rest', async () => {
    const log = await engine.openLog('t', 0, config());
    for (let i = 1; i <= 20; i++) await log.append([dataEntry(i)]);
    await engine.close();
    await forgetCleanClose();
    const written: number[] = [];
    const write = SegmentIndex.prototype.write;
    SegmentIndex.prototype.write = function (this: SegmentIndex, records) {
      written.push(...records.map((r) => r.raftIndex));
      write.call(this, records);
    };
    try {
      const again = await reopen();
      assert.equal(again.lastRaftIndex, 20);
    } finally {
      SegmentIndex.prototype.write = write;
    }
    assert.deepEqual(written, [20]);
    assert.deepEqual(await raftKeys(), Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('heals a gap a failed index transaction left in the middle of the active segment', async () => {
    const log = await engine.openLog('t', 0, config());
    for (let i = 1; i <= 20; i++) await log.append([dataEntry(i)]);
    await engine.close();
    await forgetCleanClose();
    const env = open({ path: join(dir.path, 'index'), maxDbs: 16 });
    for (const name of ['raft', 'offsets']) {
      const db = env.openDB({ name });
      for (const key of [...db.getKeys({ start: ['t-0', 5], end: ['t-0', 8] })]) db.removeSync(key);
    }
    await env.close();
    const again = await reopen();
    assert.equal(again.lastRaftIndex, 20);
    const r = await again.readByRaftIndex(asRaftIndex(5), asRaftIndex(8), 1 << 20);
    assert.deepEqual(r.map((e) => e.header.raftIndex), [5, 6, 7]);
    assert.deepEqual(await raftKeys(), Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('reports a log that is not dense as corrupt', async () => {
    const log = await engine.openLog('t', 0, config({ segmentBytes: 500 }));
    for (let i = 1; i <= 6; i++) await log.append([dataEntry(i)]);
    await engine.close();
    rmSync(segPath(20)); // a whole middle segment vanished
    rmSync(join(dir.path, 'index'), { recursive: true });
    engine = await StorageEngine.open({ dataDir: dir.path });
    await assert.rejects(engine.openLog('t', 0, config({ segmentBytes: 500 })), (e: SluiceError) => e.code === ErrorCode.CORRUPT_MESSAGE && /not dense/.test(e.message));
  });
});
