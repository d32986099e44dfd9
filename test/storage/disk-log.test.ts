import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../../src/common/clock';
import { ErrorCode, SluiceError } from '../../src/common/errors';
import { crc32c } from '../../src/common/crc32c';
import { asOffset, asRaftIndex } from '../../src/common/ids';
import type { PartitionLog } from '../../src/storage/types';
import { batchBytes, config, configEntry, dataEntry, entries, storageEngineEachTest } from './helpers';

describe('storage: disk log reads and appends', () => {
  const clock = new ManualClock(1_000_000);
  const fx = storageEngineEachTest(clock);
  const segmentFiles = (): string[] => readdirSync(join(fx.dir, 'partitions', 't-0')).filter((n) => n.endsWith('.log')).sort();

  it('round-trips appended batches with their headers', async () => {
    const log = await fx.engine.openLog('t', 0, config());
    const headers = await log.append(entries(1, 3));
    assert.deepEqual(headers.map((h) => h.baseOffset), [0, 10, 20]);
    assert.equal(log.logEndOffset, 30);
    assert.equal(log.lastRaftIndex, 3);
    await log.sync();
    assert.equal(log.syncedRaftIndex, 3);
    const r = await log.read(asOffset(0), asOffset(30), 1 << 20);
    assert.equal(r.entries.length, 3);
    r.entries.forEach((e, i) => {
      assert.deepEqual(e.batch, batchBytes(i + 1));
      assert.equal(e.header.raftIndex, i + 1);
      assert.equal(e.header.recordCount, 10);
    });
    assert.equal(r.bytes, 600);
  });

  it('stores the CRC32C a caller computed instead of computing it again, and reads check it', async () => {
    const log = await fx.engine.openLog('t', 0, config());
    const [good, bad] = entries(1, 2);
    await log.append([{ ...good!, batchCrc32c: crc32c(good!.batch) }, { ...bad!, batchCrc32c: (crc32c(bad!.batch) + 1) >>> 0 }]);
    const first = await log.read(asOffset(0), asOffset(10), 1 << 20);
    assert.equal(first.entries[0]!.header.crc, crc32c(good!.batch));
    await assert.rejects(log.read(asOffset(10), asOffset(20), 1 << 20), (e: unknown) => e instanceof SluiceError && e.code === ErrorCode.CORRUPT_MESSAGE);
  });

  it('returns the batch containing a mid-batch offset first', async () => {
    const log = await fx.engine.openLog('t', 0, config());
    await log.append(entries(1, 3));
    const r = await log.read(asOffset(15), asOffset(30), 1 << 20);
    assert.deepEqual(r.entries.map((e) => e.header.baseOffset), [10, 20]);
  });

  it('keeps offsets dense across size-based segment rolls and reopen', async () => {
    let log = await fx.engine.openLog('t', 0, config({ segmentBytes: 1000 }));
    for (let i = 1; i <= 20; i += 2) await log.append(entries(i, 2));
    assert.ok(segmentFiles().length > 3, `expected several segments, got ${segmentFiles().join(',')}`);
    assert.equal(segmentFiles()[1], '00000000000000000030.log');
    await fx.reopen();
    log = await fx.engine.openLog('t', 0, config({ segmentBytes: 1000 }));
    assert.equal(log.logEndOffset, 200);
    const r = await log.read(asOffset(0), asOffset(200), 1 << 20);
    assert.deepEqual(r.entries.map((e) => e.header.baseOffset), Array.from({ length: 20 }, (_, i) => i * 10));
    assert.deepEqual(r.entries.map((e) => e.header.raftIndex), Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('rolls a segment by age using the clock', async () => {
    const log = await fx.engine.openLog('t', 0, config({ segmentMs: 60_000 }));
    await log.append([dataEntry(1, { appendTimeMs: clock.nowMs() })]);
    clock.advance(30_000);
    await log.append([dataEntry(2, { appendTimeMs: clock.nowMs() })]);
    assert.equal(segmentFiles().length, 1);
    clock.advance(31_000);
    await log.append([dataEntry(3, { appendTimeMs: clock.nowMs() })]);
    assert.deepEqual(segmentFiles(), ['00000000000000000000.log', '00000000000000000020.log']);
    const r = await log.read(asOffset(0), asOffset(30), 1 << 20);
    assert.deepEqual(r.entries.map((e) => e.header.baseOffset), [0, 10, 20]);
  });

  it('never returns an entry whose last offset is at or above maxOffset', async () => {
    const log = await fx.engine.openLog('t', 0, config());
    await log.append(entries(1, 4));
    const r = await log.read(asOffset(0), asOffset(25), 1 << 20);
    assert.deepEqual(r.entries.map((e) => e.header.baseOffset), [0, 10]);
    const none = await log.read(asOffset(20), asOffset(20), 1 << 20);
    assert.equal(none.entries.length, 0);
  });

  it('stops at maxBytes but always returns at least one entry', async () => {
    const log = await fx.engine.openLog('t', 0, config());
    await log.append(entries(1, 5, { size: 1000 }));
    assert.equal((await log.read(asOffset(0), asOffset(50), 2500)).entries.length, 2);
    assert.equal((await log.read(asOffset(0), asOffset(50), 10)).entries.length, 1);
  });

  it('skips config entries in offset reads but returns them by raft index', async () => {
    const log = await fx.engine.openLog('t', 0, config());
    await log.append([dataEntry(1), configEntry(2), dataEntry(3)]);
    assert.equal(log.logEndOffset, 20);
    const r = await log.read(asOffset(0), asOffset(20), 1 << 20);
    assert.deepEqual(r.entries.map((e) => e.header.raftIndex), [1, 3]);
    const byRaft = await log.readByRaftIndex(asRaftIndex(2), asRaftIndex(4), 1 << 20);
    assert.deepEqual(byRaft.map((e) => e.header.raftIndex), [2, 3]);
  });

  it('answers OFFSET_OUT_OF_RANGE below the start and above the end', async () => {
    const log = await fx.engine.openLog('t', 0, config());
    await log.append(entries(1, 2));
    await assert.rejects(log.read(asOffset(21), asOffset(100), 100), (e: SluiceError) => e.code === ErrorCode.OFFSET_OUT_OF_RANGE);
    assert.equal((await log.read(asOffset(20), asOffset(100), 100)).entries.length, 0);
    await log.truncatePrefix(asOffset(10));
    await assert.rejects(log.read(asOffset(5), asOffset(100), 100), (e: SluiceError) => e.code === ErrorCode.OFFSET_OUT_OF_RANGE && /\[10, 20\]/.test(e.message));
  });

  it('rejects an append whose raft index is not contiguous', async () => {
    const log = await fx.engine.openLog('t', 0, config());
    await log.append(entries(1, 2));
    await assert.rejects(log.append([dataEntry(4)]), (e: SluiceError) => e.code === ErrorCode.INVALID_REQUEST);
    await log.append([dataEntry(3)]);
  });

  it('reads by raft index across segments from the LMDB index', async () => {
    const log: PartitionLog = await fx.engine.openLog('t', 0, config({ segmentBytes: 600 }));
    for (let i = 1; i <= 12; i++) await log.append([dataEntry(i)]);
    await new Promise((r) => setTimeout(r, 50));
    const got = await log.readByRaftIndex(asRaftIndex(4), asRaftIndex(9), 1 << 20);
    assert.deepEqual(got.map((e) => e.header.raftIndex), [4, 5, 6, 7, 8]);
    assert.deepEqual(got[0]!.batch, batchBytes(4));
  });

  it('finds the first offset whose batch timestamp reaches a time', async () => {
    const log = await fx.engine.openLog('t', 0, config({ segmentBytes: 700 }));
    const ts = [100, 300, 200, 400, 500, 450, 600];
    for (let i = 0; i < ts.length; i++) await log.append([dataEntry(i + 1, { maxTimestampMs: ts[i] })]);
    assert.equal(await log.offsetForTimestamp(50), 0);
    assert.equal(await log.offsetForTimestamp(250), 10);
    assert.equal(await log.offsetForTimestamp(301), 30);
    assert.equal(await log.offsetForTimestamp(460), 40);
    assert.equal(await log.offsetForTimestamp(600), 60);
    assert.equal(await log.offsetForTimestamp(601), undefined);
    await fx.reopen();
    const reopened = await fx.engine.openLog('t', 0, config({ segmentBytes: 700 }));
    assert.equal(await reopened.offsetForTimestamp(460), 40);
    assert.equal(await reopened.offsetForTimestamp(250), 10);
  });

  it('knows the term of every entry after a restart', async () => {
    let log = await fx.engine.openLog('t', 0, config({ segmentBytes: 700 }));
    await log.append([dataEntry(1, { term: 1 }), dataEntry(2, { term: 1 }), dataEntry(3, { term: 2 })]);
    await log.append([dataEntry(4, { term: 2 }), dataEntry(5, { term: 5 })]);
    await fx.reopen();
    log = await fx.engine.openLog('t', 0, config({ segmentBytes: 700 }));
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6].map((i) => log.termAt(asRaftIndex(i))), [0, 1, 1, 2, 2, 5, undefined]);
  });
});
