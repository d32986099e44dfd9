// Mutations of an encoded message's bytes, for bodies no encoder would write: bit flips,
// truncations, a length prefix or varint made huge, bytes inserted, a chunk duplicated.
import type { FuzzRandom } from './fuzz-random';

export type Mutation = 'bit-flip' | 'truncate' | 'huge-varint' | 'insert' | 'duplicate-chunk' | 'overwrite';

/** `body` changed by one to three mutations; the input is not modified. */
export function mutateBytes(body: Buffer, random: FuzzRandom): { bytes: Buffer; mutations: Mutation[] } {
  let bytes: Buffer = Buffer.from(body);
  const mutations: Mutation[] = [];
  const rounds = 1 + random.int(3);
  for (let r = 0; r < rounds; r++) {
    const mutation = random.pick<Mutation>(['bit-flip', 'bit-flip', 'truncate', 'huge-varint', 'insert', 'duplicate-chunk', 'overwrite']);
    mutations.push(mutation);
    bytes = applyMutation(bytes, mutation, random);
  }
  return { bytes, mutations };
}

function applyMutation(bytes: Buffer, mutation: Mutation, random: FuzzRandom): Buffer {
  const at = bytes.length === 0 ? 0 : random.int(bytes.length);
  switch (mutation) {
    case 'bit-flip': {
      if (bytes.length === 0) return Buffer.from([random.int(256)]);
      for (let i = 0, n = 1 + random.int(4); i < n; i++) {
        const p = random.int(bytes.length);
        bytes[p] = bytes[p]! ^ (1 << random.int(8));
      }
      return bytes;
    }
    case 'truncate':
      return bytes.subarray(0, at);
    case 'huge-varint': {
      // Ten 0xff bytes then 0x01: a varint of 2^64-1 (or an over-long one), e.g. a length prefix.
      const varint = Buffer.from([...Array<number>(random.pick([9, 10, 11])).fill(0xff), 0x01]);
      return Buffer.concat([bytes.subarray(0, at), varint, bytes.subarray(at + 1)]);
    }
    case 'insert':
      return Buffer.concat([bytes.subarray(0, at), random.bytes(1 + random.int(16)), bytes.subarray(at)]);
    case 'duplicate-chunk': {
      const length = Math.min(bytes.length - at, 1 + random.int(64));
      const chunk = bytes.subarray(at, at + length);
      return Buffer.concat([bytes.subarray(0, at + length), chunk, bytes.subarray(at)]);
    }
    case 'overwrite': {
      if (bytes.length === 0) return bytes;
      const value = random.pick([0x00, 0xff, 0x80, 0x7f]);
      bytes.fill(value, at, Math.min(bytes.length, at + 1 + random.int(8)));
      return bytes;
    }
  }
}
