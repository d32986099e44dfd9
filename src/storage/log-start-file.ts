// The durable start of a partition log: where retention, prefix truncation or a snapshot install
// left it. Kept in a small file in the partition directory (not in LMDB), so that it survives
// even the loss of the whole index. Written atomically: temp file, fsync, rename, fsync directory.
import { join } from 'node:path';
import { type FileIo, readFully } from './file-io';

export interface LogStart {
  readonly logStartOffset: number;
  readonly firstRaftIndex: number;
  /** Term of the entry at firstRaftIndex - 1 (0 when firstRaftIndex is 1). */
  readonly snapshotTerm: number;
}

export const LOG_START_FILE = 'log-start.json';

export async function readLogStart(io: FileIo, dir: string): Promise<LogStart | undefined> {
  const path = join(dir, LOG_START_FILE);
  if (!(await io.exists(path))) return undefined;
  const fd = await io.open(path, 'r');
  try {
    const text = (await readFully(io, fd, 0, await io.fileSize(fd))).toString('utf8');
    const v = JSON.parse(text) as LogStart;
    return { logStartOffset: v.logStartOffset, firstRaftIndex: v.firstRaftIndex, snapshotTerm: v.snapshotTerm };
  } finally {
    await io.close(fd);
  }
}

export async function writeLogStart(io: FileIo, dir: string, start: LogStart): Promise<void> {
  const tmp = join(dir, `${LOG_START_FILE}.tmp`);
  const fd = await io.open(tmp, 'w');
  try {
    await io.writev(fd, [Buffer.from(JSON.stringify(start), 'utf8')], 0);
    await io.fdatasync(fd);
  } finally {
    await io.close(fd);
  }
  await io.rename(tmp, join(dir, LOG_START_FILE));
  await io.syncDir(dir);
}
