import { strict as assert } from 'node:assert';
import type { AssignorMember } from '../../../src/consumer-groups/coordinator/assignor';
import { RangeAssignor } from '../../../src/consumer-groups/coordinator/range-assignor';
import { UniformAssignor } from '../../../src/consumer-groups/coordinator/uniform-assignor';
import { listOf, type PartitionKey } from '../../../src/consumer-groups/coordinator/partition-key';
import { show } from './harness';

function members(spec: Record<string, { topics: string[]; previous?: string[] }>): Map<string, AssignorMember> {
  return new Map(Object.entries(spec).map(([id, m]) => [id, { topics: m.topics, previousTarget: new Set((m.previous ?? []) as PartitionKey[]) }]));
}

function render(out: Map<string, Set<PartitionKey>>): Record<string, string> {
  return Object.fromEntries([...out].map(([id, set]) => [id, show(listOf(set))]));
}

describe('uniform assignor', () => {
  const uniform = new UniformAssignor();

  it('spreads partitions evenly', () => {
    const out = uniform.assign({ members: members({ a: { topics: ['t'] }, b: { topics: ['t'] }, c: { topics: ['t'] } }), topics: new Map([['t', 7]]) });
    assert.deepEqual([...out.values()].map((s) => s.size), [3, 2, 2]);
  });

  it('moves only what a joiner needs, from the fullest members', () => {
    const topics = new Map([['t', 6]]);
    const out = uniform.assign({ members: members({ a: { topics: ['t'], previous: ['t:0', 't:1', 't:2'] }, b: { topics: ['t'], previous: ['t:3', 't:4', 't:5'] }, c: { topics: ['t'] } }), topics });
    assert.deepEqual(render(out), { a: 't:0,1', b: 't:3,4', c: 't:2,5' });
  });

  it('gives a leaver\'s partitions to the others and moves nothing else', () => {
    const out = uniform.assign({ members: members({ a: { topics: ['t'], previous: ['t:0', 't:1'] }, b: { topics: ['t'], previous: ['t:2', 't:3'] } }), topics: new Map([['t', 6]]) });
    assert.deepEqual(render(out), { a: 't:0,1,4', b: 't:2,3,5' });
  });

  it('assigns a partition only to members subscribed to its topic', () => {
    const out = uniform.assign({ members: members({ a: { topics: ['t'] }, b: { topics: ['t', 'u'] } }), topics: new Map([['t', 2], ['u', 2]]) });
    assert.deepEqual(render(out), { a: 't:0,1', b: 'u:0,1' });
  });
});

describe('range assignor', () => {
  it('co-partitions topics with equal partition counts', () => {
    const out = new RangeAssignor().assign({ members: members({ a: { topics: ['t', 'u'] }, b: { topics: ['t', 'u'] } }), topics: new Map([['t', 3], ['u', 3]]) });
    assert.deepEqual(render(out), { a: 't:0,1 u:0,1', b: 't:2 u:2' });
  });
});
