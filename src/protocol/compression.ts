// The codecs a batch's records may be compressed with (sluice.v1.Compression). Compression is the
// clients' business: a producer compresses the records of a batch, the broker stores the bytes it
// got and never decompresses them, a consumer decompresses. The codec numbers are Kafka's.
//
// What is compressed is the encoding of the batch's `repeated Record records = 8` (each record
// with its field-8 tag and length, as it would appear in an uncompressed RecordBatch), so that a
// decompressed batch decodes with the same code as an uncompressed one. Formats, for clients in
// other languages: GZIP is an RFC 1952 gzip member, SNAPPY a raw Snappy block (no framing), LZ4 the
// LZ4 frame format (magic 04 22 4D 18).
import { gunzipSync, gzipSync } from 'node:zlib';

export const Compression = {
  NONE: 0,
  GZIP: 1,
  SNAPPY: 2,
  LZ4: 3,
} as const;

export type CompressionName = 'none' | 'gzip' | 'snappy' | 'lz4';

export const COMPRESSION_NAMES: readonly CompressionName[] = ['none', 'gzip', 'snappy', 'lz4'];

const CODES: Record<CompressionName, number> = { none: Compression.NONE, gzip: Compression.GZIP, snappy: Compression.SNAPPY, lz4: Compression.LZ4 };

/** Whether the broker accepts batches compressed with `code`. */
export function isKnownCompression(code: number): boolean {
  return code !== Compression.NONE && Object.values(CODES).includes(code);
}

export function compressionCode(name: CompressionName): number {
  return CODES[name];
}

/** Parses a user's codec name; the error names the ones there are. */
export function parseCompression(name: string): CompressionName {
  const lower = name.toLowerCase();
  if ((COMPRESSION_NAMES as readonly string[]).includes(lower)) return lower as CompressionName;
  throw new RangeError(`compression '${name}' is not one of ${COMPRESSION_NAMES.join(', ')}${lower === 'zstd' ? ' (zstd is not built yet)' : ''}`);
}

// The native codecs are loaded on first use: a broker never needs them.
let snappy: typeof import('snappy') | undefined;
let lz4: typeof import('lz4-napi') | undefined;
const snappyCodec = (): typeof import('snappy') => (snappy ??= require('snappy') as typeof import('snappy'));
const lz4Codec = (): typeof import('lz4-napi') => (lz4 ??= require('lz4-napi') as typeof import('lz4-napi'));

export function compress(code: number, data: Buffer): Buffer {
  switch (code) {
    case Compression.GZIP: return gzipSync(data);
    case Compression.SNAPPY: return snappyCodec().compressSync(data);
    case Compression.LZ4: return lz4Codec().compressFrameSync(data);
    default: throw new RangeError(`compression ${code} is not supported`);
  }
}

/** Throws when `data` is not valid output of the codec. */
export function decompress(code: number, data: Buffer): Buffer {
  switch (code) {
    case Compression.GZIP: return gunzipSync(data);
    case Compression.SNAPPY: return snappyCodec().uncompressSync(data) as Buffer;
    case Compression.LZ4: return lz4Codec().decompressFrameSync(data);
    default: throw new RangeError(`compression ${code} is not supported`);
  }
}
