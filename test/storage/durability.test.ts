import { strict as assert } from 'node:assert';
import { ErrorCode, SluiceError } from '../../src/common/errors';
import { asOffset } from '../../src/common/ids';
import { type FileIo, nodeFileIo } from '../../src/storage/file-io';
import { StorageEngine } from '../../src/storage/storage-engine';
import { config, dataEntry, entries, tempDir } from './helpers';

/** The real file system, counting fdatasyncs and failing writes on demand. */
class FaultyIo {
  fdatasyncs = 0;
  failWrites: string | undefined;
  readonly io: FileIo = {
    ...nodeFileIo,
    fdatasync: async (fd) => {
      this.fdatasyncs++;
      await nodeFileIo.fdatasync(fd);
    },
    writev: async (fd, buffers, position) => {
      if (this.failWrites !== undefined) {
        // Write part of the data first, as a real disk running out of space would.
        const first = buffers[0]!;
        await nodeFileIo.writev(fd, [first.subarray(0, Math.ceil(first.byteLength / 2))], position);
        throw Object.assign(new Error(`${this.failWrites}: no space left on device`), { code: this.failWrites });
      }
      return nodeFileIo.writev(fd, buffers, position);
    },
  };
}

describe('storage: durability', () => {
  let dir: ReturnType<typeof tempDir>;
  let faults: FaultyIo;
  let engine: StorageEngine;
  beforeEach(async () => {
    dir = tempDir();
    faults = new FaultyIo();
    engine = await StorageEngine.open({ dataDir: dir.path, io: faults.io });
  });
  afterEach(async () => {
    await engine.close();
    dir.remove();
  });

  it('group-commits concurrent sync() calls into fewer fdatasyncs', async () => {
    const log = await engine.openLog('t', 0, config());
    const before = faults.fdatasyncs;
    const syncs: Promise<unknown>[] = [];
    for (let i = 1; i <= 50; i++) {
      await log.append([dataEntry(i)]);
      syncs.push(log.sync());
    }
    const results = await Promise.all(syncs);
    const used = faults.fdatasyncs - before;
    assert.ok(used < 50, `expected fewer than 50 fdatasyncs, got ${used}`);
    assert.ok(used >= 1);
    assert.equal(results[49], 50, 'the last sync covers the last append');
    assert.equal(log.syncedRaftIndex, 50);
  });

  it('resolves every sync of a burst with an index covering its append', async () => {
    const log = await engine.openLog('t', 0, config());
    await log.append(entries(1, 20));
    const results = await Promise.all(Array.from({ length: 20 }, () => log.sync()));
    for (const r of results) assert.equal(r, 20);
  });

  it("resolves sync() at the next timer flush with flushPolicy 'interval'", async () => {
    const log = await engine.openLog('t', 0, config({ flushPolicy: 'interval', flushIntervalMs: 5 }));
    await log.append(entries(1, 3));
    assert.equal(await log.sync(), 3);
  });

  it('throws STORAGE_ERROR on ENOSPC, leaves the log intact, and appends again once space returns', async () => {
    const log = await engine.openLog('t', 0, config({ segmentBytes: 700 }));
    await log.append(entries(1, 3));
    const size = log.sizeBytes;
    faults.failWrites = 'ENOSPC';
    await assert.rejects(log.append(entries(4, 2)), (e: SluiceError) => e.code === ErrorCode.STORAGE_ERROR && /disk full/.test(e.message));
    assert.equal(log.sizeBytes, size);
    assert.equal(log.lastRaftIndex, 3);
    assert.equal(log.logEndOffset, 30);
    faults.failWrites = undefined;
    await log.append(entries(4, 2));
    await log.sync();
    await engine.close();
    engine = await StorageEngine.open({ dataDir: dir.path });
    const again = await engine.openLog('t', 0, config({ segmentBytes: 700 }));
    const r = await again.read(asOffset(0), asOffset(50), 1 << 20);
    assert.deepEqual(r.entries.map((e) => e.header.raftIndex), [1, 2, 3, 4, 5]);
  });

  it('removes a segment created by an append that failed', async () => {
    const log = await engine.openLog('t', 0, config({ segmentBytes: 600 }));
    await log.append(entries(1, 2));
    faults.failWrites = 'EIO';
    await assert.rejects(log.append(entries(3, 1)), (e: SluiceError) => e.code === ErrorCode.STORAGE_ERROR && /write failed/.test(e.message));
    faults.failWrites = undefined;
    await log.append(entries(3, 1));
    assert.deepEqual((await log.read(asOffset(0), asOffset(30), 1 << 20)).entries.map((e) => e.header.baseOffset), [0, 10, 20]);
  });

  it('keeps durable metadata across reopen', async () => {
    await engine.putMetaDurable('raft/t-0/hard-state', { term: 7, vote: 3 });
    await engine.putMetaDurable('cluster-id', 'abc');
    await engine.close();
    engine = await StorageEngine.open({ dataDir: dir.path });
    assert.deepEqual(engine.getMeta('raft/t-0/hard-state'), { term: 7, vote: 3 });
    assert.equal(engine.getMeta('cluster-id'), 'abc');
    assert.equal(engine.getMeta('missing'), undefined);
  });

  it('lists, deletes and recreates logs', async () => {
    await (await engine.openLog('a.b', 0, config())).append(entries(1, 1));
    await engine.openLog('a.b', 1, config());
    await engine.openLog('x-y', 2, config());
    assert.deepEqual(engine.listLogs(), [
      { topic: 'a.b', partition: 0 },
      { topic: 'a.b', partition: 1 },
      { topic: 'x-y', partition: 2 },
    ]);
    await engine.deleteLog('a.b', 0);
    assert.deepEqual(engine.listLogs(), [{ topic: 'a.b', partition: 1 }, { topic: 'x-y', partition: 2 }]);
    const fresh = await engine.openLog('a.b', 0, config());
    assert.equal(fresh.logEndOffset, 0);
    assert.equal(fresh.lastRaftIndex, 0);
  });

  it('can be closed twice', async () => {
    await engine.openLog('t', 0, config());
    await engine.close();
    await engine.close();
  });
});
