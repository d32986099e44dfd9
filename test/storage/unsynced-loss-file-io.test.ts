// The lose-unsynced-writes test fault (src/storage/unsynced-loss-file-io.ts): a segment file is
// cut back, at the next open, to what an fdatasync made durable, and the record of that length is
// on disk by the time fdatasync resolves. Also: test faults are refused without the test switch.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { moduleLogger } from '../../src/common/logger';
import { enableTestFaults } from '../../src/common/test-faults';
import { segmentFileName } from '../../src/storage/segment';
import { openUnsyncedLossFileIo } from '../../src/storage/unsynced-loss-file-io';

describe('lose-unsynced-writes FileIo (test fault)', () => {
  let dataDir: string;
  let partition: string;
  const logger = moduleLogger('test');
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'sluice-unsynced-'));
    partition = join(dataDir, 'partitions', 'topic@x-0');
    mkdirSync(partition, { recursive: true });
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('cuts a segment back to its fdatasynced length at the next open, and a never-synced one to 0', async () => {
    const io = openUnsyncedLossFileIo(dataDir, logger);
    const synced = join(partition, segmentFileName(0));
    const never = join(partition, segmentFileName(100));
    const fd = await io.open(synced, 'w+');
    await io.writev(fd, [Buffer.alloc(1000, 1)], 0);
    await io.fdatasync(fd);
    await io.writev(fd, [Buffer.alloc(500, 2)], 1000);
    const fd2 = await io.open(never, 'w+');
    await io.writev(fd2, [Buffer.alloc(300, 3)], 0);
    assert.equal(statSync(synced).size, 1500);
    // The "crash": the process never closed the files; the next start opens the FileIo again.
    openUnsyncedLossFileIo(dataDir, logger);
    assert.equal(statSync(synced).size, 1000);
    assert.equal(statSync(never).size, 0);
    assert.ok(readFileSync(synced).equals(Buffer.alloc(1000, 1)));
  });

  it('has the synced length in its journal on disk when fdatasync resolves', async () => {
    const io = openUnsyncedLossFileIo(dataDir, logger);
    const path = join(partition, segmentFileName(0));
    const fd = await io.open(path, 'w+');
    await io.writev(fd, [Buffer.alloc(64)], 0);
    await io.fdatasync(fd);
    assert.match(readFileSync(join(dataDir, 'test-synced-lengths.journal'), 'utf8'), new RegExp(`synced\\t${path}\\t64\\n`));
  });

  it('follows a rename of the partition directory', async () => {
    const io = openUnsyncedLossFileIo(dataDir, logger);
    const fd = await io.open(join(partition, segmentFileName(0)), 'w+');
    await io.writev(fd, [Buffer.alloc(64)], 0);
    await io.fdatasync(fd);
    await io.close(fd);
    const moved = join(dataDir, 'partitions', 'topic@x-0.moved');
    await io.rename(partition, moved);
    openUnsyncedLossFileIo(dataDir, logger);
    assert.equal(statSync(join(moved, segmentFileName(0))).size, 64);
  });

  it('refuses SLUICE_TEST_FAULT without SLUICE_TEST_FAULTS_ALLOWED=1, and unknown faults', () => {
    assert.throws(() => enableTestFaults({ SLUICE_TEST_FAULT: 'ack-before-commit' }), /refused: .*SLUICE_TEST_FAULTS_ALLOWED=1/);
    assert.throws(() => enableTestFaults({ SLUICE_TEST_FAULT: 'lose-everything', SLUICE_TEST_FAULTS_ALLOWED: '1' }), /unknown fault 'lose-everything': use ack-before-commit, lose-unsynced-writes/);
    assert.deepEqual(enableTestFaults({}), []);
  });
});
