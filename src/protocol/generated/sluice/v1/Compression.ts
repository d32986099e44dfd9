// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/records.proto

/**
 * How the records of a batch are encoded (Kafka's codec numbers). With a codec other than NONE
 * the batch carries `record_count` and `compressed_records` instead of `records`: the codec
 * applied to the encoding of `repeated Record records = 8` as it would appear in this message
 * (each record with its tag and length). GZIP: an RFC 1952 gzip member; SNAPPY: a raw Snappy
 * block, no framing; LZ4: the LZ4 frame format. The broker stores compressed batches without
 * decompressing them (their records are not checked: decompressing costs 3-10 times the check of
 * the same records uncompressed, and needs a bound on the inflated size first; a consumer refuses
 * a compressed batch whose records do not decode) and answers INVALID_RECORD for any other value
 * (zstd is not built yet).
 */
export const Compression = {
  COMPRESSION_NONE: 0,
  COMPRESSION_GZIP: 1,
  COMPRESSION_SNAPPY: 2,
  COMPRESSION_LZ4: 3,
} as const;

/**
 * How the records of a batch are encoded (Kafka's codec numbers). With a codec other than NONE
 * the batch carries `record_count` and `compressed_records` instead of `records`: the codec
 * applied to the encoding of `repeated Record records = 8` as it would appear in this message
 * (each record with its tag and length). GZIP: an RFC 1952 gzip member; SNAPPY: a raw Snappy
 * block, no framing; LZ4: the LZ4 frame format. The broker stores compressed batches without
 * decompressing them (their records are not checked: decompressing costs 3-10 times the check of
 * the same records uncompressed, and needs a bound on the inflated size first; a consumer refuses
 * a compressed batch whose records do not decode) and answers INVALID_RECORD for any other value
 * (zstd is not built yet).
 */
export type Compression =
  | 'COMPRESSION_NONE'
  | 0
  | 'COMPRESSION_GZIP'
  | 1
  | 'COMPRESSION_SNAPPY'
  | 2
  | 'COMPRESSION_LZ4'
  | 3

/**
 * How the records of a batch are encoded (Kafka's codec numbers). With a codec other than NONE
 * the batch carries `record_count` and `compressed_records` instead of `records`: the codec
 * applied to the encoding of `repeated Record records = 8` as it would appear in this message
 * (each record with its tag and length). GZIP: an RFC 1952 gzip member; SNAPPY: a raw Snappy
 * block, no framing; LZ4: the LZ4 frame format. The broker stores compressed batches without
 * decompressing them (their records are not checked: decompressing costs 3-10 times the check of
 * the same records uncompressed, and needs a bound on the inflated size first; a consumer refuses
 * a compressed batch whose records do not decode) and answers INVALID_RECORD for any other value
 * (zstd is not built yet).
 */
export type Compression__Output = typeof Compression[keyof typeof Compression]
