// Request decoding that refuses invalid UTF-8 in `string` fields. protobufjs decodes strings
// lossily (Node's utf8Slice puts U+FFFD for every invalid sequence), so a topic name, group id or
// config with invalid bytes would silently become another string. proto3 says a string field
// holds UTF-8: other decoders (Go, Java) refuse such a message, and so does the broker. Only
// `string` fields are checked: `bytes` fields (a produce request's batch) are not read here.
import { isUtf8 } from 'node:buffer';
import * as protobuf from 'protobufjs';

/** A protobufjs reader whose string() throws on invalid UTF-8 instead of replacing it. */
class StrictUtf8Reader extends protobuf.BufferReader {
  override string(): string {
    const length = this.uint32();
    const start = this.pos;
    const end = start + length;
    if (end > this.len) throw new RangeError(`a string field at byte ${start} claims ${length} bytes but only ${this.len - start} remain`);
    const buf = this.buf as Buffer;
    for (let i = start; i < end; i++) {
      // ASCII needs no check; from the first other byte on, Node's validator decides.
      if (buf[i]! >= 0x80) {
        if (!isUtf8(buf.subarray(i, end))) {
          throw new Error(`a string field at byte ${start} is not valid UTF-8: send names, ids and other strings as UTF-8 (proto3 string)`);
        }
        break;
      }
    }
    this.pos = end;
    return buf.toString('utf8', start, end);
  }
}

/** Decodes `bytes` as `type`, refusing invalid UTF-8 in any string field (throws). */
export function decodeStrictUtf8(type: protobuf.Type, bytes: Buffer): protobuf.Message {
  return type.decode(new StrictUtf8Reader(bytes));
}
