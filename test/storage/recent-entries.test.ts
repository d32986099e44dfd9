import { strict as assert } from 'node:assert';
import { openSync, closeSync, readdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../../src/common/clock';
import { crc32c } from '../../src/common/crc32c';
import { ErrorCode, SluiceError } from '../../src/common/errors';
import { asOffset, asRaftIndex, asTerm } from '../../src/common/ids';
import { HEADER_BYTES } from '../../src/storage/entry-format';
import { RECENT_ENTRY_MAX_BYTES, RECENT_WINDOW_MAX_BYTES, RecentEntries } from '../../src/storage/recent-entries';
import { type EntryHeader, EntryKind, type PartitionLog, type ReadResult } from '../../src/storage/types';
import { batchBytes, config, configEntry, dataEntry, storageEngineEachTest } from './helpers';

function header(raftIndex: number, baseOffset: number, recordCount: number, batch: Buffer): EntryHeader {
  return {
    kind: recordCount === 0 ? EntryKind.CONFIG : EntryKind.DATA,
    term: asTerm(1),
    raftIndex: asRaftIndex(raftIndex),
    baseOffset: asOffset(baseOffset),
    recordCount,
    maxTimestampMs: 0,
    appendTimeMs: 0,
    producerId: -1,
    producerEpoch: -1,
    baseSequence: -1,
    crc: crc32c(batch),
    batchBytes: batch.length,
  };
}

/** Entries of 10 records each from offset 0, raft index 1. */
function window(count: number, size = 100): RecentEntries {
  const recent = new RecentEntries();
  for (let i = 0; i < count; i++) {
    const batch = batchBytes(i + 1, size);
    recent.add([{ header: header(i + 1, i * 10, 10, batch), batch }]);
  }
  return recent;
}

const offsets = (read: { entries: readonly { header: EntryHeader }[] } | undefined): number[] | undefined => read?.entries.map((e) => e.header.baseOffset);

describe('storage: the recent-entries window at the end of a log', () => {
  it('serves reads that start inside it with the segment reader rules, and refuses reads that start before it', () => {
    const recent = window(5);
    assert.deepEqual(offsets(recent.read(0, 50, 1 << 20)), [0, 10, 20, 30, 40]);
    assert.deepEqual(offsets(recent.read(25, 50, 1 << 20)), [20, 30, 40], 'the entry holding the offset comes first');
    assert.deepEqual(offsets(recent.read(0, 35, 1 << 20)), [0, 10, 20], 'an entry reaching past hi is not served');
    assert.deepEqual(offsets(recent.read(0, 50, 250)), [0, 10], 'whole entries within maxBytes');
    assert.deepEqual(offsets(recent.read(0, 50, 1)), [0], 'the first entry even when larger than maxBytes');
    assert.deepEqual(offsets(recent.read(50, 50, 1 << 20)), [], 'at the log end: nothing');
    assert.equal(new RecentEntries().read(0, 0, 1), undefined);
  });

  it('keeps a bounded window ending at the last entry, and forgets it behind an entry too large to keep', () => {
    const size = 1000;
    const recent = window(Math.ceil((2 * RECENT_WINDOW_MAX_BYTES) / size), size);
    const kept = recent.read(0, Infinity, 1 << 30);
    assert.equal(kept, undefined, 'the oldest entries left the window');
    const last = Math.ceil((2 * RECENT_WINDOW_MAX_BYTES) / size) - 1;
    const tail = recent.read(last * 10, Infinity, 1 << 30)!;
    assert.deepEqual(offsets(tail), [last * 10]);

    const big = Buffer.alloc(RECENT_ENTRY_MAX_BYTES + 1, 7);
    recent.add([{ header: header(last + 2, (last + 1) * 10, 10, big), batch: big }]);
    assert.equal(recent.read((last + 1) * 10, Infinity, 1 << 30), undefined, 'a large entry is read from the segment');
    assert.equal(recent.read(last * 10, Infinity, 1 << 30), undefined, 'and the window restarts after it');
  });

  it('does not keep an entry whose bytes fail its CRC', () => {
    const recent = window(2);
    const batch = batchBytes(3);
    recent.add([{ header: { ...header(3, 20, 10, batch), crc: (crc32c(batch) + 1) >>> 0 }, batch }]);
    assert.equal(recent.read(20, 30, 1 << 20), undefined);
    assert.equal(recent.read(0, 30, 1 << 20), undefined);
  });

  it('keeps copies: changing the appended buffer afterwards changes nothing served', () => {
    const recent = new RecentEntries();
    const batch = batchBytes(1);
    recent.add([{ header: header(1, 0, 10, batch), batch }]);
    batch.fill(0);
    assert.deepEqual(recent.read(0, 10, 1 << 20)!.entries[0]!.batch, batchBytes(1));
  });
});

describe('storage: disk log reads at its end come from memory and match the segments', () => {
  const fx = storageEngineEachTest(new ManualClock(1_000_000));
  const reopen = async (): Promise<PartitionLog> => (await fx.reopen()).openLog('t', 0, config());
  const view = (r: ReadResult): unknown => ({ bytes: r.bytes, entries: r.entries.map((e) => ({ header: e.header, batch: [...e.batch] })) });

  it('answers every read exactly as the segments do (mixed sizes, config entries, maxBytes, hi)', async () => {
    let log = await fx.engine.openLog('t', 0, config({ segmentBytes: 64 * 1024 }));
    let seed = 7;
    const random = (n: number): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    for (let raftIndex = 1; raftIndex <= 120; raftIndex++) {
      const size = random(10) === 0 ? RECENT_ENTRY_MAX_BYTES + 100 : 50 + random(2000);
      await log.append([random(15) === 0 ? configEntry(raftIndex) : dataEntry(raftIndex, { records: 1 + random(5), size })]);
    }
    const end = log.logEndOffset;
    const reads = Array.from({ length: 200 }, () => ({ from: random(end + 1), hi: random(end + 1), maxBytes: 1 + random(30_000) }));
    const fromMemory = [];
    for (const r of reads) fromMemory.push(view(await log.read(asOffset(r.from), asOffset(Math.max(r.from, r.hi)), r.maxBytes)));
    log = await reopen();
    for (let i = 0; i < reads.length; i++) {
      const r = reads[i]!;
      assert.deepEqual(fromMemory[i], view(await log.read(asOffset(r.from), asOffset(Math.max(r.from, r.hi)), r.maxBytes)), `read ${JSON.stringify(r)}`);
    }
  });

  it('serves the last entries without reading the segment (damaged on disk behind its back), which a reopened log refuses', async () => {
    let log = await fx.engine.openLog('t', 0, config());
    await log.append([dataEntry(1), dataEntry(2)]);
    const file = join(fx.dir, 'partitions', 't-0', readdirSync(join(fx.dir, 'partitions', 't-0')).find((n) => n.endsWith('.log'))!);
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.from('damaged'), 0, 7, HEADER_BYTES + 20); // inside the first batch
    closeSync(fd);
    const served = await log.read(asOffset(0), asOffset(20), 1 << 20);
    assert.deepEqual(served.entries.map((e) => e.batch), [batchBytes(1), batchBytes(2)]);
    log = await reopen();
    await assert.rejects(log.read(asOffset(0), asOffset(20), 1 << 20), (e: unknown) => e instanceof SluiceError && e.code === ErrorCode.CORRUPT_MESSAGE);
  });

  it('forgets truncated entries: the entries appended in their place are served', async () => {
    const log = await fx.engine.openLog('t', 0, config());
    await log.append([dataEntry(1), dataEntry(2), dataEntry(3)]);
    assert.equal((await log.read(asOffset(20), asOffset(30), 1 << 20)).entries.length, 1);
    await log.truncateSuffix(asRaftIndex(2));
    const replacement = { ...dataEntry(2, { term: 2 }), batch: Buffer.alloc(200, 9) };
    await log.append([replacement]);
    const read = await log.read(asOffset(10), asOffset(20), 1 << 20);
    assert.deepEqual(read.entries.map((e) => [e.header.baseOffset, e.header.term, e.batch[5]]), [[10, 2, 9]]);
    assert.equal(log.logEndOffset, 20);
  });
});
