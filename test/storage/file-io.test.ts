import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { nodeFileIo, readFully, SYNC_READ_MAX_BYTES, SYNC_WRITE_MAX_BYTES } from '../../src/storage/file-io';

describe('nodeFileIo.writev', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-file-io-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  // Small writes go on the event loop, large ones through the libuv pool: both must place every
  // buffer, in order, at the position given, whatever else the file holds.
  for (const [what, size] of [['a small write (on the event loop)', 100], ['a write at the limit', SYNC_WRITE_MAX_BYTES], ['a large write (through the pool)', SYNC_WRITE_MAX_BYTES + 1]] as const) {
    it(`${what} puts every buffer at its position`, async () => {
      const file = path.join(dir, 'segment');
      fs.writeFileSync(file, Buffer.alloc(10, 0x2e));
      const fd = await nodeFileIo.open(file, 'r+');
      try {
        const parts = [Buffer.alloc(size - 3, 0x61), Buffer.from('xyz')];
        const written = await nodeFileIo.writev(fd, parts, 4);
        assert.equal(written, size);
      } finally {
        await nodeFileIo.close(fd);
      }
      const content = fs.readFileSync(file);
      assert.equal(content.length, 4 + size);
      assert.equal(content.subarray(0, 4).toString(), '....');
      assert.ok(content.subarray(4, 4 + size - 3).every((b) => b === 0x61));
      assert.equal(content.subarray(4 + size - 3).toString(), 'xyz');
    });
  }

  it('rejects (never throws) when a small write fails', async () => {
    const file = path.join(dir, 'read-only');
    fs.writeFileSync(file, 'x');
    const fd = await nodeFileIo.open(file, 'r');
    try {
      let result: Promise<number> | undefined;
      assert.doesNotThrow(() => { result = nodeFileIo.writev(fd, [Buffer.from('abc')], 0); });
      await assert.rejects(result!, (e: NodeJS.ErrnoException) => e.code === 'EBADF');
    } finally {
      await nodeFileIo.close(fd);
    }
  });
});

describe('readFully', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-file-io-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  // A recent small read goes on the event loop (readNow), anything else through the pool (read).
  for (const [what, length, recent] of [['a recent small read', 1000, true], ['a recent read above the limit', SYNC_READ_MAX_BYTES + 1, true], ['an older read', 1000, false]] as const) {
    it(`${what} returns the bytes at the position, and stops at the end of the file`, async () => {
      const file = path.join(dir, 'segment');
      const content = Buffer.from(Array.from({ length: SYNC_READ_MAX_BYTES + 100 }, (_, i) => i % 251));
      fs.writeFileSync(file, content);
      const calls = { read: 0, readNow: 0 };
      const io = {
        ...nodeFileIo,
        read: (...args: Parameters<typeof nodeFileIo.read>) => { calls.read++; return nodeFileIo.read(...args); },
        readNow: (...args: Parameters<typeof nodeFileIo.readNow>) => { calls.readNow++; return nodeFileIo.readNow(...args); },
      };
      const fd = await nodeFileIo.open(file, 'r');
      try {
        assert.deepEqual(await readFully(io, fd, 7, length, recent), content.subarray(7, 7 + length));
        const onLoop = recent && length <= SYNC_READ_MAX_BYTES;
        assert.deepEqual(calls, { read: onLoop ? 0 : 1, readNow: onLoop ? 1 : 0 });
        assert.deepEqual(await readFully(io, fd, content.length - 10, length, recent), content.subarray(content.length - 10));
      } finally {
        await nodeFileIo.close(fd);
      }
    });
  }
});
