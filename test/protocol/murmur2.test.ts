import { strict as assert } from 'node:assert';
import { murmur2, partitionForKey, toPositive } from '../../src/protocol/murmur2';

// Vectors from Kafka's own UtilsTest.testMurmur2 (clients/src/test/java/.../utils/UtilsTest.java).
const KAFKA_VECTORS: readonly [string, number][] = [
  ['21', -973932308],
  ['foobar', -790332482],
  ['a-little-bit-long-string', -985981536],
  ['a-little-bit-longer-string', -1486304829],
  ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
  ['abc', 479470107],
];

describe('murmur2', () => {
  for (const [input, expected] of KAFKA_VECTORS) {
    it(`matches Kafka's Utils.murmur2 for "${input}"`, () => {
      assert.equal(murmur2(Buffer.from(input)), expected);
    });
  }

  it('hashes the empty key like Kafka (seed mixed with length 0)', () => {
    const h = murmur2(Buffer.alloc(0));
    assert.equal(h, h | 0);
    assert.equal(murmur2(new Uint8Array(0)), h);
  });

  it('toPositive clears the sign bit rather than negating', () => {
    assert.equal(toPositive(-1), 0x7fffffff);
    assert.equal(toPositive(-2147483648), 0);
    assert.equal(toPositive(5), 5);
  });

  it('partitionForKey is toPositive(murmur2(key)) % partitions', () => {
    assert.equal(partitionForKey(Buffer.from('21'), 4), toPositive(-973932308) % 4);
    assert.equal(partitionForKey(Buffer.from('abc'), 7), 479470107 % 7);
  });
});
