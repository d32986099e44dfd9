// Snapshots of the layer above's state (a partition's idempotent-producer table), each describing
// the log up to and including one entry and named by that entry's (raftIndex, term):
// `<raftIndex, 20 digits>-<term>.state` in the partition directory, beside the segments. A file
// there (not LMDB) goes with the partition when it is deleted or replaced by a snapshot install,
// survives the loss of the index, and costs the shared LMDB environment nothing; it is written
// atomically like log-start.json (temp file, fsync, rename, fsync directory) and carries its own
// CRC32C. A snapshot is usable while the log holds an entry at its raftIndex with its term: by
// Raft's log matching the log's prefix up to there is then the one it describes, so truncation,
// a torn tail lost by kill -9 and unsynced data all invalidate it (docs/storage.md).
import { join } from 'node:path';
import { crc32c } from '../common/crc32c';
import { ErrorCode, SluiceError } from '../common/errors';
import { type FileIo, readFully } from './file-io';
import type { StateSnapshotId, StateSnapshotStore } from './types';

const SNAPSHOT_FILE = /^(\d{20})-(\d+)\.state$/;
const TEMP_SUFFIX = '.tmp';
/** How many usable snapshots are kept: the newest is the one used, older ones in case it is unreadable. */
export const STATE_SNAPSHOTS_KEPT = 3;
const CRC_BYTES = 4;

const fileName = (id: StateSnapshotId): string => `${String(id.raftIndex).padStart(20, '0')}-${id.term}.state`;

export class StateSnapshots implements StateSnapshotStore {
  /** Ascending by raftIndex. */
  private ids: StateSnapshotId[];
  /** Writes and deletions run one at a time, in the order asked. */
  private chain: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly io: FileIo,
    private readonly dir: string,
    /** Whether the log still holds the entry a snapshot ends with (its raftIndex with its term). */
    private readonly matchesLog: (id: StateSnapshotId) => boolean,
    ids: StateSnapshotId[],
  ) {
    this.ids = ids;
  }

  /**
   * Lists the partition directory's snapshots and deletes those the log no longer matches (and
   * leftover temp files) before anything is appended: a snapshot beyond a lost tail must never
   * come to match an entry appended later at its index.
   */
  static async load(io: FileIo, dir: string, matchesLog: (id: StateSnapshotId) => boolean): Promise<StateSnapshots> {
    const found: StateSnapshotId[] = [];
    let removed = false;
    for (const name of await io.readdir(dir)) {
      const match = SNAPSHOT_FILE.exec(name);
      const id = match ? { raftIndex: Number(match[1]), term: Number(match[2]) } : undefined;
      if (id !== undefined && matchesLog(id)) found.push(id);
      else if (id !== undefined || name.endsWith(`.state${TEMP_SUFFIX}`)) {
        await io.unlink(join(dir, name));
        removed = true;
      }
    }
    if (removed) await io.syncDir(dir);
    found.sort((a, b) => a.raftIndex - b.raftIndex);
    return new StateSnapshots(io, dir, matchesLog, found);
  }

  list(): readonly StateSnapshotId[] {
    return this.ids.filter(this.matchesLog);
  }

  write(id: StateSnapshotId, data: Uint8Array): Promise<void> {
    return this.serialized(async () => {
      const crc = Buffer.allocUnsafe(CRC_BYTES);
      crc.writeUInt32LE(crc32c(data), 0);
      const path = join(this.dir, fileName(id));
      const fd = await this.io.open(path + TEMP_SUFFIX, 'w');
      try {
        await this.io.writev(fd, [crc, data], 0);
        await this.io.fdatasync(fd);
      } finally {
        await this.io.close(fd);
      }
      await this.io.rename(path + TEMP_SUFFIX, path);
      this.ids = [...this.ids.filter((i) => i.raftIndex !== id.raftIndex), id].sort((a, b) => a.raftIndex - b.raftIndex);
      const usable = this.ids.filter(this.matchesLog);
      await this.remove(this.ids.filter((i) => !usable.includes(i) || usable.indexOf(i) < usable.length - STATE_SNAPSHOTS_KEPT));
      await this.io.syncDir(this.dir);
    });
  }

  async read(id: StateSnapshotId): Promise<Buffer> {
    const path = join(this.dir, fileName(id));
    const fd = await this.io.open(path, 'r');
    try {
      const bytes = await readFully(this.io, fd, 0, await this.io.fileSize(fd));
      const data = bytes.subarray(CRC_BYTES);
      if (bytes.length < CRC_BYTES || bytes.readUInt32LE(0) !== crc32c(data)) {
        throw new SluiceError(ErrorCode.CORRUPT_MESSAGE, `state snapshot ${path} fails its CRC32C check: it is not used`);
      }
      return data;
    } finally {
      await this.io.close(fd);
    }
  }

  /** Deletes the snapshots of entries at and after `raftIndex` (a truncated suffix), durably. */
  dropFrom(raftIndex: number): Promise<void> {
    return this.serialized(async () => {
      const doomed = this.ids.filter((i) => i.raftIndex >= raftIndex);
      if (doomed.length === 0) return;
      await this.remove(doomed);
      await this.io.syncDir(this.dir);
    });
  }

  /**
   * Forgets every snapshot without touching files: the directory was replaced (snapshot install),
   * after the writes asked before have finished.
   */
  forgetAll(): Promise<void> {
    return this.serialized(async () => {
      this.ids = [];
    });
  }

  /** Resolves once the writes and deletions asked so far are done. */
  idle(): Promise<void> {
    return this.serialized(async () => undefined);
  }

  private async remove(doomed: readonly StateSnapshotId[]): Promise<void> {
    for (const id of doomed) await this.io.rmrf(join(this.dir, fileName(id)));
    this.ids = this.ids.filter((i) => !doomed.includes(i));
  }

  private serialized(fn: () => Promise<void>): Promise<void> {
    const run = this.chain.then(fn);
    this.chain = run.catch(() => undefined); // the caller hears of the failure; the next operation still runs
    return run;
  }
}
