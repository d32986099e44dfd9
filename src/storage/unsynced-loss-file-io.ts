// A FileIo for the chaos suite's "crash-losing-unsynced-writes" nemesis (docs/chaos.md): a
// kill -9 keeps everything the broker wrote in the page cache, so on its own it never tests
// fdatasync. This FileIo records, for every segment file, the length an fdatasync made durable,
// in a journal that is itself fdatasynced before the fdatasync is reported done (otherwise a crash
// between the two would cut away bytes that were synced, and invent losses). At the next start,
// before the storage opens, every segment file is cut back to its recorded length, which is what a
// machine crash may leave. Covered: segment files (the log). Not covered: LMDB (Raft term and
// vote, the offset index, producer ids) and the small files written beside segments; bytes
// overwritten inside the synced length are not reverted (segments are append-only).
// Test-only: enabled by SLUICE_TEST_FAULT=lose-unsynced-writes (src/common/test-faults.ts).
import * as fs from 'node:fs';
import { basename, join } from 'node:path';
import type { Logger } from '../common/logger';
import { nodeFileIo, type FileIo } from './file-io';
import { SEGMENT_FILE_PATTERN } from './segment';

const JOURNAL = 'test-synced-lengths.journal';

const isSegment = (path: string): boolean => SEGMENT_FILE_PATTERN.test(basename(path));

/** Appends journal lines, each batch made durable with one fdatasync before its writers resume. */
class Journal {
  private pending: { line: string; done: () => void; failed: (e: Error) => void }[] = [];
  private flushing = false;

  constructor(private readonly fd: number) {}

  record(...fields: (string | number)[]): Promise<void> {
    return new Promise((done, failed) => {
      this.pending.push({ line: `${fields.join('\t')}\n`, done, failed });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      try {
        const text = batch.map((b) => b.line).join('');
        await new Promise<void>((resolve, reject) => fs.appendFile(this.fd, text, (e) => (e ? reject(e) : resolve())));
        await new Promise<void>((resolve, reject) => fs.fdatasync(this.fd, (e) => (e ? reject(e) : resolve())));
        for (const b of batch) b.done();
      } catch (error) {
        for (const b of batch) b.failed(error as Error);
      }
    }
    this.flushing = false;
  }
}

/** Replays the journal: each segment file's durable length. */
function syncedLengths(journalPath: string): Map<string, number> {
  const lengths = new Map<string, number>();
  if (!fs.existsSync(journalPath)) return lengths;
  for (const line of fs.readFileSync(journalPath, 'utf8').split('\n')) {
    const [op, a, b] = line.split('\t');
    if (op === 'synced') lengths.set(a!, Math.max(lengths.get(a!) ?? 0, Number(b)));
    else if (op === 'truncated') lengths.set(a!, Math.min(lengths.get(a!) ?? 0, Number(b)));
    else if (op === 'removed') {
      for (const path of [...lengths.keys()]) if (path === a || path.startsWith(`${a}/`)) lengths.delete(path);
    } else if (op === 'renamed') {
      for (const [path, length] of [...lengths]) {
        if (path !== a && !path.startsWith(`${a}/`)) continue;
        lengths.delete(path);
        lengths.set(b! + path.slice(a!.length), length);
      }
    }
  }
  return lengths;
}

function segmentFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? segmentFiles(path) : isSegment(e.name) ? [path] : [];
  });
}

/** The segment bytes under `dataDir` that were written and not fdatasynced (what the next open cuts). */
export function unsyncedBytes(dataDir: string): number {
  const lengths = syncedLengths(join(dataDir, JOURNAL));
  return segmentFiles(join(dataDir, 'partitions')).reduce((sum, path) => sum + Math.max(0, fs.statSync(path).size - (lengths.get(path) ?? 0)), 0);
}

/**
 * Simulates the crash that preceded this start: every segment file under `dataDir/partitions` is
 * cut back to the length the journal says was fdatasynced (0 if none was), the journal is
 * rewritten to match, and a FileIo that keeps recording, over `inner`, is returned (a layer:
 * test-fault-file-io.ts stacks the test faults' layers).
 */
export function openUnsyncedLossFileIo(dataDir: string, logger: Logger, inner: FileIo = nodeFileIo): FileIo {
  const journalPath = join(dataDir, JOURNAL);
  const lengths = syncedLengths(journalPath);
  let lost = 0;
  for (const path of segmentFiles(join(dataDir, 'partitions'))) {
    const size = fs.statSync(path).size;
    const synced = lengths.get(path) ?? 0;
    if (size <= synced) continue;
    fs.truncateSync(path, synced);
    const fd = fs.openSync(path, 'r+');
    fs.fdatasyncSync(fd);
    fs.closeSync(fd);
    lost += size - synced;
    logger.warn({ path, size, synced }, `test fault lose-unsynced-writes: cut ${size - synced} bytes never fdatasynced from ${path}`);
  }
  const compacted = [...lengths].filter(([path]) => fs.existsSync(path)).map(([path, length]) => `synced\t${path}\t${length}\n`).join('');
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(`${journalPath}.tmp`, compacted);
  const tmp = fs.openSync(`${journalPath}.tmp`, 'r+');
  fs.fdatasyncSync(tmp);
  fs.closeSync(tmp);
  fs.renameSync(`${journalPath}.tmp`, journalPath);
  const dirFd = fs.openSync(dataDir, 'r');
  fs.fsyncSync(dirFd);
  fs.closeSync(dirFd);
  logger.warn({ lostBytes: lost }, `test fault lose-unsynced-writes: on; ${lost} bytes never fdatasynced were cut at this start`);
  return unsyncedLossFileIo(new Journal(fs.openSync(journalPath, 'a')), inner);
}

function unsyncedLossFileIo(journal: Journal, inner: FileIo): FileIo {
  const segmentPaths = new Map<number, string>();
  return {
    ...inner,
    open: async (path, flags) => {
      const fd = await inner.open(path, flags);
      if (!isSegment(path)) return fd;
      segmentPaths.set(fd, path);
      if (flags.startsWith('w')) await journal.record('truncated', path, 0);
      return fd;
    },
    close: async (fd) => {
      segmentPaths.delete(fd);
      await inner.close(fd);
    },
    fdatasync: async (fd) => {
      const path = segmentPaths.get(fd);
      // What was written before the call is what the fdatasync makes durable.
      const size = path === undefined ? 0 : await inner.fileSize(fd);
      await inner.fdatasync(fd);
      if (path !== undefined) await journal.record('synced', path, size);
    },
    ftruncate: async (fd, length) => {
      await inner.ftruncate(fd, length);
      const path = segmentPaths.get(fd);
      if (path !== undefined) await journal.record('truncated', path, length);
    },
    rename: async (from, to) => {
      await inner.rename(from, to);
      await journal.record('renamed', from, to);
    },
    unlink: async (path) => {
      await inner.unlink(path);
      await journal.record('removed', path);
    },
    rmrf: async (path) => {
      await inner.rmrf(path);
      await journal.record('removed', path);
    },
  };
}
