// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/records.proto


/**
 * A header attached to a record (like Kafka record headers): a key and an opaque value.
 */
export interface RecordHeader {
  /**
   * Header name; at most 1 KiB (1024 bytes) of valid UTF-8, else the batch is refused with
   * INVALID_RECORD.
   */
  'key'?: (string);
  /**
   * Header value; opaque bytes.
   */
  'value'?: (Buffer | Uint8Array | string);
}

/**
 * A header attached to a record (like Kafka record headers): a key and an opaque value.
 */
export interface RecordHeader__Output {
  /**
   * Header name; at most 1 KiB (1024 bytes) of valid UTF-8, else the batch is refused with
   * INVALID_RECORD.
   */
  'key': (string);
  /**
   * Header value; opaque bytes.
   */
  'value': (Buffer);
}
