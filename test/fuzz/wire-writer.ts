// A minimal protobuf wire writer that, unlike a generated encoder, lets a field carry any value
// (64-bit extremes as BigInt, out-of-range numbers, a wrong wire type, a field repeated), so
// that what the fuzzer builds reaches the server exactly as built.
export const WIRE = { varint: 0, fixed64: 1, bytes: 2, startGroup: 3, endGroup: 4, fixed32: 5 } as const;
export type WireType = (typeof WIRE)[keyof typeof WIRE];

const MASK_64 = (1n << 64n) - 1n;

export class WireWriter {
  private readonly chunks: Buffer[] = [];

  tag(field: number, wireType: WireType): this {
    return this.varint(BigInt(field) * 8n + BigInt(wireType));
  }

  /** Writes `value` as a varint of its 64-bit two's complement (negative int32 take 10 bytes, as protobuf does). */
  varint(value: bigint): this {
    let v = value & MASK_64;
    const bytes: number[] = [];
    do {
      const low = Number(v & 0x7fn);
      v >>= 7n;
      bytes.push(v === 0n ? low : low | 0x80);
    } while (v !== 0n);
    this.chunks.push(Buffer.from(bytes));
    return this;
  }

  fixed32(value: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(value >>> 0);
    this.chunks.push(b);
    return this;
  }

  fixed64(value: bigint): this {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(value & MASK_64);
    this.chunks.push(b);
    return this;
  }

  /** A length-delimited field body: the length, then the bytes. */
  lengthDelimited(bytes: Buffer): this {
    this.varint(BigInt(bytes.length));
    this.chunks.push(bytes);
    return this;
  }

  raw(bytes: Buffer): this {
    this.chunks.push(bytes);
    return this;
  }

  finish(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** Zigzag encoding of sint32/sint64 values. */
export function zigzag(value: bigint): bigint {
  return value >= 0n ? value * 2n : -value * 2n - 1n;
}
