// The disk-faults test fault (src/storage/disk-fault-file-io.ts): appends to and fdatasyncs of
// segment files fail as the control file says while it exists, and only then; an fsync it fails
// is not recorded as durable by the lose-unsynced-writes layer below it.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { moduleLogger } from '../../src/common/logger';
import { diskFaultFileIo, injectedDiskFaults, setDiskFault } from '../../src/storage/disk-fault-file-io';
import { nodeFileIo } from '../../src/storage/file-io';
import { segmentFileName } from '../../src/storage/segment';
import { openUnsyncedLossFileIo } from '../../src/storage/unsynced-loss-file-io';

describe('disk-faults FileIo (test fault)', () => {
  let dataDir: string;
  let segment: string;
  const logger = moduleLogger('test');
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'sluice-disk-fault-'));
    mkdirSync(join(dataDir, 'partitions', 'topic@x-0'), { recursive: true });
    segment = join(dataDir, 'partitions', 'topic@x-0', segmentFileName(0));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('fails appends with ENOSPC while the control file says so, writing nothing, and counts each failure', async () => {
    const io = diskFaultFileIo(dataDir, nodeFileIo, logger);
    const fd = await io.open(segment, 'w+');
    await io.writev(fd, [Buffer.alloc(10, 1)], 0);
    setDiskFault(dataDir, 'ENOSPC append');
    await assert.rejects(io.writev(fd, [Buffer.alloc(10, 2)], 10), (e: NodeJS.ErrnoException) => e.code === 'ENOSPC');
    await io.fdatasync(fd);
    assert.equal(statSync(segment).size, 10);
    assert.equal(injectedDiskFaults(dataDir), 1);
    setDiskFault(dataDir, undefined);
    await io.writev(fd, [Buffer.alloc(10, 2)], 10);
    assert.equal(statSync(segment).size, 20);
    assert.equal(injectedDiskFaults(dataDir), 1);
  });

  it('fails fdatasync with EIO and leaves other files alone', async () => {
    const io = diskFaultFileIo(dataDir, nodeFileIo, logger);
    const fd = await io.open(segment, 'w+');
    const other = await io.open(join(dataDir, 'partitions', 'topic@x-0', 'log-start.json'), 'w+');
    setDiskFault(dataDir, 'EIO fsync');
    await io.writev(fd, [Buffer.alloc(10, 1)], 0);
    await assert.rejects(io.fdatasync(fd), (e: NodeJS.ErrnoException) => e.code === 'EIO' && /injected by the test fault disk-faults/.test(e.message));
    await io.fdatasync(other);
    assert.equal(injectedDiskFaults(dataDir), 1);
  });

  it('says what the control file may hold when it holds something else', async () => {
    const io = diskFaultFileIo(dataDir, nodeFileIo, logger);
    const fd = await io.open(segment, 'w+');
    writeFileSync(join(dataDir, 'test-disk-fault'), 'EIO read\n');
    await assert.rejects(io.fdatasync(fd), /holds 'EIO read': write one of 'EIO append', 'EIO fsync', 'ENOSPC append'/);
  });

  it('over lose-unsynced-writes: a failed fdatasync is not recorded as durable, so the next crash cuts its bytes', async () => {
    const io = diskFaultFileIo(dataDir, openUnsyncedLossFileIo(dataDir, logger), logger);
    const fd = await io.open(segment, 'w+');
    await io.writev(fd, [Buffer.alloc(100, 1)], 0);
    await io.fdatasync(fd);
    await io.writev(fd, [Buffer.alloc(50, 2)], 100);
    setDiskFault(dataDir, 'EIO fsync');
    await assert.rejects(io.fdatasync(fd));
    openUnsyncedLossFileIo(dataDir, logger);
    assert.equal(statSync(segment).size, 100);
    assert.ok(readFileSync(segment).equals(Buffer.alloc(100, 1)));
  });
});
