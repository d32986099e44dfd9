// The README's five-minute walk-through must show what it says: keys routed to partitions
// (same key, same partition; different keys spread), with the topic it creates.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { partitionForKey } from '../../src/protocol/murmur2';

const README = readFileSync(resolve(__dirname, '../../../README.md'), 'utf8');

describe('README walk-through', () => {
  it('produces keys that show routing: one key twice on one partition, the records on every partition', () => {
    const partitions = Number(/bin\/sluice topic create orders --partitions (\d+)/.exec(README)?.[1]);
    const printf = /printf '([^']+)' \| bin\/sluice produce orders --key-separator :/.exec(README)?.[1];
    assert.ok(partitions > 1 && printf, 'the walk-through creates a topic and produces keyed records');
    const keys = printf.split('\\n').filter(Boolean).map((line) => line.slice(0, line.indexOf(':')));
    const placed = keys.map((key) => partitionForKey(Buffer.from(key), partitions));
    assert.equal(new Set(placed).size, partitions, `keys ${keys.join(', ')} land on partitions ${placed.join(', ')}`);
    const repeated = keys.find((key, i) => keys.indexOf(key) !== i);
    assert.ok(repeated, 'one key appears twice');
    const max = Number(/bin\/sluice consume orders --from-beginning --max (\d+)/.exec(README)?.[1]);
    assert.equal(max, keys.length, 'the consume reads back every produced record');
  });
});
