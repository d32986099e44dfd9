// The active segment's sparse position index: lookups land at or before the entry sought, and
// every read, by offset, raft index or timestamp, still finds exactly what a dense index would.
import { strict as assert } from 'node:assert';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, SluiceError } from '../../src/common/errors';
import { asOffset, asRaftIndex } from '../../src/common/ids';
import { DescriptorPool } from '../../src/storage/descriptor-pool';
import { HEADER_BYTES } from '../../src/storage/entry-format';
import { type FileIo, nodeFileIo } from '../../src/storage/file-io';
import { ACTIVE_INDEX_INTERVAL_BYTES, Segment } from '../../src/storage/segment';
import { StorageEngine } from '../../src/storage/storage-engine';
import { type AppendEntry, EntryKind } from '../../src/storage/types';
import { config, configEntry, dataEntry, storageEngineEachTest, tempDir } from './helpers';

/** A deterministic mix of data batches (1–3 records, timestamps that go up and down) and config entries. */
function mixedEntries(count: number): AppendEntry[] {
  let seed = 7;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  let ts = 10_000;
  // Append times of now, so that no segment rolls by age when it is appended to after a reopen.
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => {
    const raftIndex = i + 1;
    if (i % 37 === 36) return configEntry(raftIndex);
    ts += next(40) - 15;
    return dataEntry(raftIndex, { records: 1 + next(3), size: 20 + next(60), maxTimestampMs: ts, appendTimeMs: now });
  });
}

describe('storage: sparse index of the active segment', () => {
  const fx = storageEngineEachTest();

  it('keeps one position per 4 KB of segment, not one per batch', () => {
    const seg = new Segment(0, '/nonexistent', -1, 1, { io: {} as FileIo, pool: new DescriptorPool(1) });
    seg.startActive();
    const batches = 20_000;
    const bytes = 150;
    for (let i = 0; i < batches; i++) {
      seg.addSlot({ pos: i * bytes, raftIndex: i + 1, lastRaftIndex: i + 1, baseOffset: i, nextOffset: i + 1, term: 1, maxTimestampMs: 1000 + i, appendTimeMs: 1000 + i, headerCrc: 0, bytes, corrupt: false });
    }
    const stride = Math.ceil(ACTIVE_INDEX_INTERVAL_BYTES / bytes);
    assert.equal(seg.active!.pos.length, Math.ceil(batches / stride));
    assert.equal(seg.positionOfOffset(stride * 5 + 3), stride * 5 * bytes);
    assert.equal(seg.positionOfRaft(stride * 5 + 1), stride * 5 * bytes);
  });

  it('finds every offset, raft index and timestamp among many small batches', async () => {
    const log = await fx.engine.openLog('t', 0, config());
    const appended = mixedEntries(700);
    const headers = await log.append(appended);
    const data = headers.filter((h) => h.kind === EntryKind.DATA);
    const end = log.logEndOffset;
    for (let offset = 0; offset < end; offset++) {
      const first = (await log.read(asOffset(offset), asOffset(end), 1)).entries[0]!.header;
      assert.ok(first.baseOffset <= offset && first.baseOffset + first.recordCount > offset, `offset ${offset} read batch ${first.baseOffset}+${first.recordCount}`);
    }
    for (let raftIndex = 1; raftIndex <= appended.length; raftIndex++) {
      const [first] = await log.readByRaftIndex(asRaftIndex(raftIndex), asRaftIndex(raftIndex + 1), 1);
      assert.equal(first!.header.raftIndex, raftIndex);
    }
    const timestamps = data.map((h) => h.maxTimestampMs);
    for (let ts = Math.min(...timestamps) - 1; ts <= Math.max(...timestamps) + 1; ts++) {
      const expected = data.find((h) => h.maxTimestampMs >= ts)?.baseOffset;
      assert.equal(await log.offsetForTimestamp(ts), expected, `timestamp ${ts}`);
    }
  });

  it('reads past a damaged header found by recovery, and refuses only the damaged entry', async () => {
    let log = await fx.engine.openLog('t', 0, config());
    const size = 100;
    const entrySize = HEADER_BYTES + size;
    await log.append(Array.from({ length: 30 }, (_, i) => dataEntry(i + 1, { size, records: 1, maxTimestampMs: 5000 + i })));
    await log.sync();
    await fx.engine.close();
    // Raft index 10's header, inside the first 4 KB of the segment: recovery keeps it as a hole.
    rmSync(join(fx.dir, 'index'), { recursive: true });
    const fd = openSync(join(fx.dir, 'partitions', 't-0', `${'0'.padStart(20, '0')}.log`), 'r+');
    writeSync(fd, Buffer.from([0xde, 0xad, 0xbe, 0xef]), 0, 4, 9 * entrySize + 20);
    closeSync(fd);
    log = await (await fx.reopen()).openLog('t', 0, config());
    assert.equal(log.corruptRaftIndex, 10);
    const after = await log.read(asOffset(10), asOffset(30), 1);
    assert.equal(after.entries[0]!.header.raftIndex, 11);
    const [byRaft] = await log.readByRaftIndex(asRaftIndex(11), asRaftIndex(12), 1);
    assert.equal(byRaft!.header.baseOffset, 10);
    await assert.rejects(log.read(asOffset(9), asOffset(30), 1), (e: unknown) => e instanceof SluiceError && e.code === ErrorCode.CORRUPT_MESSAGE);
    assert.equal(await log.offsetForTimestamp(5012), 12);
    assert.equal(await log.offsetForTimestamp(5009), 10);
    assert.equal(await log.offsetForTimestamp(5003), 3);
  });
});

/** A FileIo that counts the bytes it reads from files. */
function countingIo(): { io: FileIo; bytesRead: () => number } {
  let bytes = 0;
  const io: FileIo = {
    ...nodeFileIo,
    read: async (fd, buffer, offset, length, position) => {
      const n = await nodeFileIo.read(fd, buffer, offset, length, position);
      bytes += n;
      return n;
    },
    readNow: (fd, buffer, offset, length, position) => {
      const n = nodeFileIo.readNow(fd, buffer, offset, length, position);
      bytes += n;
      return n;
    },
  };
  return { io, bytesRead: () => bytes };
}

describe('storage: opening after a clean close', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.remove());

  const openCounting = async (): Promise<{ engine: StorageEngine; log: Awaited<ReturnType<StorageEngine['openLog']>>; bytesRead: number }> => {
    const counting = countingIo();
    const engine = await StorageEngine.open({ dataDir: dir.path, io: counting.io });
    const log = await engine.openLog('t', 0, config());
    return { engine, log, bytesRead: counting.bytesRead() };
  };

  it('trusts the active segment without reading it, finds everything as before, and scans after a crash', async () => {
    const first = await openCounting();
    const appended = mixedEntries(3000);
    await first.log.append(appended);
    const segmentBytes = appended.reduce((sum, e) => sum + HEADER_BYTES + e.batch.length, 0);
    const before = await lookups(first.log);
    await first.engine.close();

    const clean = await openCounting();
    assert.ok(clean.bytesRead < 2 * HEADER_BYTES, `read ${clean.bytesRead} bytes to open a ${segmentBytes}-byte segment`);
    assert.deepEqual(await lookups(clean.log), before);
    const [next] = await clean.log.append([dataEntry(3001, { records: 2, maxTimestampMs: 99_999, appendTimeMs: Date.now() })]);
    assert.equal(next!.baseOffset, before.end);
    // No clean close this time (the engine is dropped, as by kill -9): the next open scans.
    const crashed = await openCounting();
    assert.ok(crashed.bytesRead >= segmentBytes, `read ${crashed.bytesRead} bytes to open a ${segmentBytes}-byte segment after a crash`);
    assert.equal(crashed.log.logEndOffset, before.end + 2);
    assert.equal(await crashed.log.offsetForTimestamp(99_999), before.end);
    await crashed.engine.close();
    await clean.engine.close().catch(() => undefined);
  });

  it('gives back what the layer above kept with a clean close, only while the log is as it left it', async () => {
    const first = await openCounting();
    await first.log.append(mixedEntries(50));
    first.log.setCloseAnnex({ producers: [[7, 0, 3, 1000, [[0, 3, 0]]]] });
    await first.engine.close();

    const second = await openCounting();
    assert.deepEqual(second.log.cleanCloseAnnex, { producers: [[7, 0, 3, 1000, [[0, 3, 0]]]] });
    second.log.setCloseAnnex('stale');
    await second.log.append([dataEntry(51, { appendTimeMs: Date.now() })]);
    await second.engine.close();

    const third = await openCounting();
    assert.equal(third.log.cleanCloseAnnex, undefined, 'an append after setCloseAnnex drops it');
    third.log.setCloseAnnex('kept');
    await third.engine.close();
    const fourth = await openCounting();
    assert.equal(fourth.log.cleanCloseAnnex, 'kept');
    // No close at all (the engine dropped, as by kill -9) and an append: the next open has none.
    await fourth.log.append([dataEntry(52, { appendTimeMs: Date.now() })]);
    const fifth = await openCounting();
    assert.equal(fifth.log.cleanCloseAnnex, undefined);
    await fifth.engine.close();
    await fourth.engine.close().catch(() => undefined);
  });
});

/** Every offset's batch, every raft index's entry and a range of timestamps' offsets. */
async function lookups(log: Awaited<ReturnType<StorageEngine['openLog']>>): Promise<{ end: number; byOffset: number[]; byRaft: number[]; byTime: (number | undefined)[] }> {
  const end = log.logEndOffset;
  const byOffset: number[] = [];
  for (let offset = 0; offset < end; offset += 7) byOffset.push((await log.read(asOffset(offset), asOffset(end), 1)).entries[0]!.header.baseOffset);
  const byRaft: number[] = [];
  for (let raftIndex = 1; raftIndex <= log.lastRaftIndex; raftIndex += 5) byRaft.push((await log.readByRaftIndex(asRaftIndex(raftIndex), asRaftIndex(raftIndex + 1), 1))[0]!.header.baseOffset);
  const byTime: (number | undefined)[] = [];
  for (let ts = 9_990; ts < 14_000; ts += 3) byTime.push(await log.offsetForTimestamp(ts));
  return { end, byOffset, byRaft, byTime };
}
