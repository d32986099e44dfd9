// Writes the bytes of one append() call: one positional writev per segment touched (usually one),
// headers and batches gathered without copying the batches. All or nothing: if any write fails
// (ENOSPC, EIO) every touched segment is truncated back to its previous size and segments created
// for this call are removed, so the log is exactly as before.
import { ErrorCode, SluiceError } from '../common/errors';
import type { FileIo } from './file-io';

export interface WritePart {
  /** Descriptor, or undefined for a segment to be created at `path` by this call. */
  fd: number | undefined;
  readonly path: string;
  readonly startPos: number;
  readonly buffers: Uint8Array[];
}

/**
 * An append that failed and was undone (disk full, a write error): the log is exactly as before
 * it and takes the next append. Unlike a failed fsync, after which nothing written is known.
 */
export class AppendUndoneError extends SluiceError {}

/** Writes every part in order; on failure undoes them all and throws AppendUndoneError (STORAGE_ERROR). */
export async function writeParts(io: FileIo, parts: readonly WritePart[], describe: string): Promise<void> {
  const touched: WritePart[] = [];
  const created: WritePart[] = [];
  try {
    for (const part of parts) {
      if (part.fd === undefined) {
        part.fd = await io.open(part.path, 'w+');
        created.push(part);
      }
      touched.push(part);
      await io.writev(part.fd, part.buffers, part.startPos);
    }
  } catch (e) {
    await rollBack(io, touched, created);
    const code = (e as NodeJS.ErrnoException).code;
    const full = code === 'ENOSPC' || code === 'EDQUOT';
    throw new AppendUndoneError(ErrorCode.STORAGE_ERROR, `${full ? 'disk full' : 'write failed'}: appending to ${describe} failed with ${code ?? String(e)}; the log is unchanged, retry ${full ? 'when the disk has room' : 'once the disk works again'}`, { cause: e, retriable: true });
  }
}

async function rollBack(io: FileIo, touched: readonly WritePart[], created: readonly WritePart[]): Promise<void> {
  for (const part of touched) {
    if (created.includes(part) || part.fd === undefined) continue;
    await io.ftruncate(part.fd, part.startPos);
  }
  for (const part of created) {
    if (part.fd !== undefined) await io.close(part.fd).catch(() => undefined);
    part.fd = undefined;
    await io.unlink(part.path).catch(() => undefined);
  }
}
