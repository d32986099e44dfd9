// CRC32C (Castagnoli) via a native implementation; used for every stored batch.
import { crc32c as nativeCrc32c } from '@node-rs/crc32';

/** CRC32C of `data`, continuing from `initial` (0 for a fresh checksum). Unsigned 32-bit. */
export function crc32c(data: Uint8Array, initial = 0): number {
  return nativeCrc32c(data as Buffer, initial) >>> 0;
}
