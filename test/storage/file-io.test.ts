import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { nodeFileIo, SYNC_WRITE_MAX_BYTES } from '../../src/storage/file-io';

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
