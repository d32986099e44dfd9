import { strict as assert } from 'node:assert';
import { brokerLoads, placeReplicas } from '../../src/metadata/placement';
import type { MetadataCommand } from '../../src/metadata/metadata-commands';
import type { MetadataState } from '../../src/metadata/metadata-state';
import { applyAll, cluster, createTopic } from './metadata-fixtures';

function spread(state: MetadataState): { replicas: number; leaders: number; followers: number } {
  const loads = [...brokerLoads(state).values()];
  const range = (values: number[]) => Math.max(...values) - Math.min(...values);
  return { replicas: range(loads.map((l) => l.replicas)), leaders: range(loads.map((l) => l.leaders)), followers: range(loads.map((l) => l.followers)) };
}

/** Topics of varied sizes and replication factors, as a workload for evenness checks. */
function manyTopics(count: number, maxFactor: number): MetadataCommand[] {
  return Array.from({ length: count }, (_, i) => createTopic(`topic-${i}`, 1 + (i * 7) % 6, 1 + (i % maxFactor)));
}

describe('metadata placement', () => {
  it('places a 3-partition RF 2 topic on 3 brokers as documented', () => {
    const state = applyAll([createTopic('t', 3, 2)], cluster(3));
    assert.deepEqual(state.topics.get('t')!.partitions.map((p) => p.replicas), [[1, 2], [3, 1], [2, 3]]);
  });

  it('gives every partition distinct replicas', () => {
    for (const p of placeReplicas(cluster(5), 50, 3)) assert.equal(new Set(p).size, 3);
  });

  for (const brokers of [3, 5]) {
    it(`spreads replicas and preferred leaders evenly over ${brokers} brokers across many topics`, () => {
      const state = applyAll(manyTopics(60, Math.min(3, brokers)), cluster(brokers));
      const { replicas, leaders, followers } = spread(state);
      const loads = JSON.stringify([...brokerLoads(state)]);
      assert.ok(leaders <= 1, `preferred leader counts differ by ${leaders}: ${loads}`);
      assert.ok(followers <= 1, `follower counts differ by ${followers}: ${loads}`);
      assert.ok(replicas <= 2, `replica counts differ by ${replicas}: ${loads}`);
    });

    it(`spreads one topic's partitions evenly over ${brokers} brokers`, () => {
      const state = applyAll([createTopic('t', brokers * 4, 3)], cluster(brokers));
      assert.deepEqual(spread(state), { replicas: 0, leaders: 0, followers: 0 });
    });
  }

  it('fills a newly registered broker first', () => {
    const before = applyAll([createTopic('old', 6, 2)], cluster(3));
    const withFourth = applyAll([{ type: 'RegisterBroker', id: 4, host: '127.0.0.1', port: 19094, httpPort: 19644, rack: null, nowMs: 1 }], before);
    const placed = placeReplicas(withFourth, 2, 2);
    assert.ok(placed.every((replicas) => replicas.includes(4)), JSON.stringify(placed));
  });

  it('puts the replicas of a partition on distinct racks when there are enough racks', () => {
    // Racks a, b, c over 6 brokers: 1a 2b 3c 4a 5b 6c.
    const state = applyAll(manyTopics(30, 3), cluster(6, ['a', 'b', 'c']));
    for (const topic of state.topics.values()) {
      for (const p of topic.partitions) {
        const racks = p.replicas.map((id) => state.brokers.get(id)!.rack);
        assert.equal(new Set(racks).size, racks.length, `${topic.name}: replicas ${p.replicas} on racks ${racks}`);
      }
    }
    const { replicas, leaders } = spread(state);
    assert.ok(replicas <= 1 && leaders <= 1, JSON.stringify([...brokerLoads(state)]));
  });

  it('uses every rack once before repeating one when racks are fewer than replicas', () => {
    // 5 brokers on racks a, b, c (1a 2b 3c 4a 5b); RF 4 needs one rack twice.
    const placed = placeReplicas(cluster(5, ['a', 'b', 'c']), 20, 4);
    const state = cluster(5, ['a', 'b', 'c']);
    for (const replicas of placed) {
      const racks = new Set(replicas.map((id) => state.brokers.get(id)!.rack));
      assert.equal(racks.size, 3, `replicas ${replicas}`);
    }
  });

  it('is deterministic: the same commands give identical states', () => {
    const commands = manyTopics(40, 3);
    const a = applyAll(commands, cluster(5, ['a', 'b', 'c']));
    const b = applyAll(commands, cluster(5, ['a', 'b', 'c']));
    assert.deepEqual(a, b);
  });

  it('refuses a replication factor above the broker count', () => {
    assert.throws(() => placeReplicas(cluster(2), 1, 3), /replication factor 3 needs 1..2 brokers/);
  });
});
