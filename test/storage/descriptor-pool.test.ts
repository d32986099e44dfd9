// The pool of descriptors of closed segments: only each partition's active segment keeps its file
// open for good; the rest stay open while the pool has room, the least recently used are closed
// beyond it, a read reopens a closed one, and a descriptor in use is never closed under its read.
import { strict as assert } from 'node:assert';
import { asOffset } from '../../src/common/ids';
import { DescriptorPool, type PooledFile } from '../../src/storage/descriptor-pool';
import { type FileIo, nodeFileIo } from '../../src/storage/file-io';
import { StorageEngine } from '../../src/storage/storage-engine';
import type { PartitionLog } from '../../src/storage/types';
import { config, entries, tempDir } from './helpers';

/** A FileIo that counts the descriptors open through it and can hold the next read. */
class CountingIo {
  readonly openFds = new Set<number>();
  private holding: { readonly onHeld: (fd: number) => void; readonly gate: Promise<void> } | undefined;
  private releaseGate: () => void = () => undefined;

  readonly io: FileIo = {
    ...nodeFileIo,
    open: async (path, flags) => {
      const fd = await nodeFileIo.open(path, flags);
      this.openFds.add(fd);
      return fd;
    },
    close: async (fd) => {
      this.openFds.delete(fd);
      await nodeFileIo.close(fd);
    },
    read: async (fd, buffer, offset, length, position) => {
      const hold = this.holding;
      if (hold !== undefined) {
        this.holding = undefined;
        hold.onHeld(fd);
        await hold.gate;
      }
      return nodeFileIo.read(fd, buffer, offset, length, position);
    },
  };

  /** Holds the next read until release(); resolves with its descriptor once it is held. */
  holdNextRead(): Promise<number> {
    const gate = new Promise<void>((resolve) => (this.releaseGate = resolve));
    return new Promise((onHeld) => (this.holding = { onHeld, gate }));
  }

  release(): void {
    this.releaseGate();
  }
}

const SEGMENT_BYTES = 1024; // 3 entries of 200 bytes (+ 80-byte headers) per segment
/** More than the recent-entries window keeps in memory, so that reads of old entries go to the files. */
const ENTRIES = 120;

async function fillLog(log: PartitionLog): Promise<void> {
  for (let i = 1; i <= ENTRIES; i += 6) await log.append(entries(i, 6));
  await log.sync();
}

/** Every record of the log, read from offset 0 with a small max_bytes so that every segment is visited. */
async function readAll(log: PartitionLog): Promise<number[]> {
  const raftIndexes: number[] = [];
  let offset = 0;
  while (offset < log.logEndOffset) {
    const { entries: got } = await log.read(asOffset(offset), log.logEndOffset, 1);
    assert.ok(got.length > 0, `a read at offset ${offset} returned nothing`);
    for (const e of got) raftIndexes.push(e.batch.readUInt32LE(0));
    offset = got[got.length - 1]!.header.baseOffset + got[got.length - 1]!.header.recordCount;
  }
  return raftIndexes;
}

describe('storage: descriptor pool of closed segments', () => {
  it('closes the least recently used evictable files beyond its size, never one in use', () => {
    const closed: string[] = [];
    const file = (name: string, evictable = true): PooledFile & { evictable: boolean } => ({ evictable, evict: () => closed.push(name) });
    const pool = new DescriptorPool(2);
    const a = file('a');
    const b = file('b', false);
    const c = file('c');
    pool.used(a);
    pool.used(b);
    pool.used(c);
    assert.deepEqual(closed, ['a'], 'a is the least recently used that is not in use');
    pool.used(b); // b is now the most recently used
    const d = file('d');
    pool.used(d);
    assert.deepEqual(closed, ['a', 'c'], 'then c, until two remain');
    assert.equal(pool.openCount, 2);
    pool.forget(b);
    pool.used(file('e'));
    assert.deepEqual(closed, ['a', 'c'], 'a forgotten file leaves room');
  });

  describe('with a log of many segments', () => {
    let dir: ReturnType<typeof tempDir>;
    let engine: StorageEngine;
    let io: CountingIo;
    const open = async (): Promise<PartitionLog> => {
      engine = await StorageEngine.open({ dataDir: dir.path, io: io.io, maxOpenSegmentFiles: 3 });
      return engine.openLog('t', 0, config({ segmentBytes: SEGMENT_BYTES }));
    };

    beforeEach(() => {
      dir = tempDir();
      io = new CountingIo();
    });
    afterEach(async () => {
      io.release();
      await engine.close();
      dir.remove();
    });

    const expected = Array.from({ length: ENTRIES }, (_, i) => i + 1);

    it('keeps at most the pool size plus the active segment open while appending, and reopens closed segments to read them', async () => {
      const log = await open();
      await fillLog(log);
      assert.ok(engine.descriptorPool.evictions > 0, 'segments were closed');
      assert.ok(io.openFds.size <= 3 + 1, `${io.openFds.size} descriptors open, at most 4 expected`);
      assert.deepEqual(await readAll(log), expected);
      assert.ok(io.openFds.size <= 3 + 1, `${io.openFds.size} descriptors open after reading every segment, at most 4 expected`);
    });

    it('opens a log of many segments after a restart with at most the pool size plus one open', async () => {
      await fillLog(await open());
      await engine.close();
      assert.equal(io.openFds.size, 0, 'a closed engine holds no segment descriptor');
      const log = await open();
      assert.ok(io.openFds.size <= 3 + 1, `${io.openFds.size} descriptors open after recovery, at most 4 expected`);
      assert.deepEqual(await readAll(log), expected);
    });

    it('does not close a descriptor under a read that uses it', async () => {
      const log = await open();
      await fillLog(log);
      const held = io.holdNextRead();
      const slowRead = log.read(asOffset(0), log.logEndOffset, 1);
      const fd = await held;
      // Reads of every segment churn the pool meanwhile: the held one's descriptor must stay open.
      assert.deepEqual(await readAll(log), expected);
      assert.ok(engine.descriptorPool.evictions > 0);
      assert.ok(io.openFds.has(fd), 'the descriptor of the held read is still open');
      io.release();
      const { entries: got } = await slowRead;
      assert.equal(got[0]!.batch.readUInt32LE(0), 1, 'the held read completed with the first entry');
    });
  });
});
