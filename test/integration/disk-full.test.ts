// A full disk fails produce with a clear error, the broker stays up, and once space returns it
// continues with nothing stored lost or corrupted. Uses a small tmpfs (needs root); skipped when
// mounting is not allowed.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '../../src/common/errors';
import { recordsOf, startBrokerFixture } from '../broker/broker-fixture';

function tryMountTmpfs(dir: string, sizeBytes: number): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('disk full', function () {
  let mountDir: string;
  let mounted = false;
  before(function () {
    mountDir = mkdtempSync(join(tmpdir(), 'sluice-full-'));
    mounted = tryMountTmpfs(mountDir, 8 * 1024 * 1024);
    if (!mounted) this.skip();
  });
  after(() => {
    if (mounted) execFileSync('umount', [mountDir]);
    rmSync(mountDir, { recursive: true, force: true });
  });

  it('fails produce with STORAGE_ERROR, stays up, and resumes intact when space returns', async () => {
    const fx = await startBrokerFixture({ offsetsTopicPartitions: 1 }, join(mountDir, 'data'));
    try {
      await fx.admin('createTopics', { topics: [{ name: 'big', configs: { 'segment.bytes': String(1024 * 1024) } }] });
      const value = Buffer.alloc(64 * 1024, 7);
      const produce = () => fx.data('produce', { partitions: [{ topic: 'big', partition: 0, batch: { records: [{ value }] } }] });
      // Fill the rest of the disk with a ballast file we can delete later.
      const ballast = join(mountDir, 'ballast');
      let stored = 0;
      let failure: any;
      writeFileSync(ballast, Buffer.alloc(2 * 1024 * 1024));
      for (let i = 0; i < 200 && !failure; i++) {
        const result = (await produce()).partitions[0];
        if (result.errorCode === ErrorCode.NONE) stored++;
        else failure = result;
      }
      assert.ok(failure, 'the disk never filled up');
      assert.equal(failure.errorCode, ErrorCode.STORAGE_ERROR);
      assert.match(failure.errorMessage, /disk full|ENOSPC|no space/i);
      const listed = await fx.admin('listTopics', {});
      assert.equal(listed.topics.length, 1, 'the broker still answers');

      rmSync(ballast);
      const after = (await produce()).partitions[0];
      assert.equal(after.errorCode, ErrorCode.NONE, after.errorMessage);
      assert.equal(after.baseOffset, stored, 'offsets continue right after the last stored record');

      let offset = 0;
      let count = 0;
      while (offset <= stored) {
        const fetched = await fx.data('fetch', { partitions: [{ topic: 'big', partition: 0, offset, maxBytes: 1 << 20 }] });
        const records = recordsOf(fetched.partitions[0]);
        assert.equal(fetched.partitions[0].errorCode, ErrorCode.NONE);
        if (records.length === 0) break;
        for (const r of records) assert.equal(r.offset, count++);
        offset = records[records.length - 1]!.offset + 1;
      }
      assert.equal(count, stored + 1);
    } finally {
      await fx.close({ keepData: true });
    }
  });
});
