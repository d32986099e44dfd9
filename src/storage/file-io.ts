// Every file-system call the storage layer makes goes through FileIo, so that tests can inject
// failures (ENOSPC, EIO) or count fsyncs. `nodeFileIo` is the real implementation.
import * as fs from 'node:fs';
import { promisify } from 'node:util';
import type { ReadLease } from './read-buffers';

export interface FileIo {
  /** Opens a file; flags as in fs.open ('r+', 'w+', 'r'). Returns the descriptor. */
  open(path: string, flags: string): Promise<number>;
  close(fd: number): Promise<void>;
  /** Writes all of `buffers` at `position` (positional, never appending). Returns bytes written. */
  writev(fd: number, buffers: readonly Uint8Array[], position: number): Promise<number>;
  /** Reads up to `length` bytes at `position` into `buffer[offset…]`. Returns bytes read (0 at EOF). */
  read(fd: number, buffer: Buffer, offset: number, length: number, position: number): Promise<number>;
  /** read() on the calling thread, for small reads of data just written (in the page cache). */
  readNow(fd: number, buffer: Buffer, offset: number, length: number, position: number): number;
  fdatasync(fd: number): Promise<void>;
  ftruncate(fd: number, length: number): Promise<void>;
  fileSize(fd: number): Promise<number>;
  /** fsyncs a directory so that file creations, renames and deletions in it are durable. */
  syncDir(path: string): Promise<void>;
  readdir(path: string): Promise<string[]>;
  mkdir(path: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  /** Removes a file or directory tree; no error when absent. */
  rmrf(path: string): Promise<void>;
  exists(path: string): Promise<boolean>;
}

const pOpen = promisify(fs.open);
const pClose = promisify(fs.close);
const writevOnce = (fd: number, buffers: readonly Uint8Array[], position: number): Promise<number> =>
  new Promise((resolve, reject) => fs.writev(fd, buffers as NodeJS.ArrayBufferView[], position, (e, n) => (e ? reject(e) : resolve(n))));
const pRead = promisify(fs.read);
const pFdatasync = promisify(fs.fdatasync);
const pFsync = promisify(fs.fsync);
const pFtruncate = promisify(fs.ftruncate);
const pFstat = promisify(fs.fstat);

/**
 * Appends up to this size are written on the event loop (writevSync) instead of the libuv pool.
 * A write into the page cache is a memory copy, while a pool round trip is a thread wake-up and
 * then the loop's, which this VM makes expensive. `node dist/scripts/bench-file-io.js` (wall /
 * CPU per write): 256 KiB 53 / 57 µs on the loop against 149 / 161 through the pool, 16 KiB
 * 16 / 24 against 86 / 90; at 1 MiB the two came out either way in two runs (153 against 253 µs,
 * 471 against 274), and such a write would hold the loop for a large part of a millisecond.
 * Under load the pool is worse still, since its wake-ups wait for a core. Every append is
 * fsynced soon after (by its batch's group commit, or within flush.interval.ms under
 * flush.policy=interval), so dirty pages do not pile up into the kernel's throttling.
 */
export const SYNC_WRITE_MAX_BYTES = 256 * 1024;

const concatenated = (buffers: readonly Uint8Array[]): Buffer => Buffer.concat(buffers.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength)));
const zeroWrite = (): Error => Object.assign(new Error('write returned 0 bytes'), { code: 'EIO' });

function writevAllSync(fd: number, buffers: readonly Uint8Array[], position: number, total: number): number {
  let written = fs.writevSync(fd, buffers as NodeJS.ArrayBufferView[], position);
  if (written === total) return total;
  const rest = concatenated(buffers).subarray(written);
  let at = 0;
  while (at < rest.length) {
    const n = fs.writeSync(fd, rest, at, rest.length - at, position + written);
    if (n === 0) throw zeroWrite();
    at += n;
    written += n;
  }
  return written;
}

async function writevAll(fd: number, buffers: readonly Uint8Array[], position: number): Promise<number> {
  let total = 0;
  for (const b of buffers) total += b.byteLength;
  if (total <= SYNC_WRITE_MAX_BYTES) return writevAllSync(fd, buffers, position, total);
  let written = await writevOnce(fd, buffers, position);
  if (written === total) return total;
  // A short write (rare for regular files): continue with what is left.
  const rest = concatenated(buffers).subarray(written);
  let at = 0;
  while (at < rest.length) {
    const n = await writevOnce(fd, [rest.subarray(at)], position + written);
    if (n === 0) throw zeroWrite();
    at += n;
    written += n;
  }
  return written;
}

export const nodeFileIo: FileIo = {
  open: (path, flags) => pOpen(path, flags),
  close: (fd) => pClose(fd),
  writev: writevAll,
  read: async (fd, buffer, offset, length, position) => (await pRead(fd, buffer, offset, length, position)).bytesRead,
  readNow: (fd, buffer, offset, length, position) => fs.readSync(fd, buffer, offset, length, position),
  fdatasync: (fd) => pFdatasync(fd),
  ftruncate: (fd, length) => pFtruncate(fd, length),
  fileSize: async (fd) => (await pFstat(fd)).size,
  syncDir: async (path) => {
    const fd = await pOpen(path, 'r');
    try {
      await pFsync(fd);
    } finally {
      await pClose(fd);
    }
  },
  readdir: (path) => fs.promises.readdir(path),
  mkdir: async (path) => {
    await fs.promises.mkdir(path, { recursive: true });
  },
  rename: (from, to) => fs.promises.rename(from, to),
  unlink: (path) => fs.promises.unlink(path),
  rmrf: (path) => fs.promises.rm(path, { recursive: true, force: true }),
  exists: async (path) => {
    try {
      await fs.promises.stat(path);
      return true;
    } catch {
      return false;
    }
  },
};

/**
 * Reads up to this size of recently written data (see readFully's `recent`) go on the event loop:
 * from the page cache a readSync took 84 / 88 µs (wall / CPU) for 1 MiB against 140 / 139
 * through the pool, 19 / 22 for 256 KiB against 56 / 61 (bench-file-io.js).
 */
export const SYNC_READ_MAX_BYTES = 1024 * 1024;

/**
 * Reads exactly `length` bytes at `position` (fewer only at end of file). `recent` says the bytes
 * were written moments ago, so they are in the page cache: then a small read is a memory copy,
 * done on the event loop instead of paying a libuv pool round trip (which cost more than the copy
 * for every push to a consumer at the tail of the log).
 */
export async function readFully(io: FileIo, fd: number, position: number, length: number, recent = false, lease?: ReadLease): Promise<Buffer> {
  const buf = lease ? lease.take(length) : Buffer.allocUnsafe(length);
  const now = recent && length <= SYNC_READ_MAX_BYTES;
  let got = 0;
  while (got < length) {
    const n = now ? io.readNow(fd, buf, got, length - got, position + got) : await io.read(fd, buf, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got === length ? buf : buf.subarray(0, got);
}
