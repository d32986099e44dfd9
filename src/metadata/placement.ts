// Replica placement for new partitions. Placement runs inside applyCommand, so it is a pure
// function of the state: no clock, no randomness, ties broken by broker id.
//
// Algorithm (greedy, load-based): partitions are placed one at a time, counting the preferred
// leaderships and follower replicas every broker already holds (all topics, plus the partitions
// placed so far). The preferred leader is the broker with the fewest preferred leaderships
// (then fewest replicas, then lowest id); the followers are picked one by one among the others,
// preferring a rack this partition does not use yet (when brokers name racks, as Kafka's
// rack-aware assignment does), then the fewest follower replicas, then the fewest replicas, then
// the lowest id. Balancing leaders and followers separately keeps, without racks, both counts
// within one of each other across brokers (so total replicas within two). Example, 3 brokers,
// no racks, a new topic with 3 partitions and RF 2:
//   p0 → [1, 2], p1 → [3, 1], p2 → [2, 3]  (each broker: 2 replicas, 1 preferred leadership)
import { brokerIds, placeableBrokerIds, type MetadataState } from './metadata-state';

export interface BrokerLoad {
  /** Partitions whose first replica (preferred leader) is this broker. */
  leaders: number;
  /** Replicas that are not first in their list. */
  followers: number;
  /** leaders + followers. */
  replicas: number;
}

/** Preferred leaderships and replicas per registered broker. */
export function brokerLoads(state: MetadataState): Map<number, BrokerLoad> {
  const loads = new Map<number, BrokerLoad>();
  for (const id of brokerIds(state)) loads.set(id, { leaders: 0, followers: 0, replicas: 0 });
  for (const topic of state.topics.values()) {
    for (const assignment of topic.partitions) count(loads, assignment.replicas);
  }
  return loads;
}

function count(loads: Map<number, BrokerLoad>, replicas: readonly number[]): void {
  replicas.forEach((id, i) => {
    const load = loads.get(id);
    if (!load) return;
    load.replicas++;
    if (i === 0) load.leaders++;
    else load.followers++;
  });
}

/**
 * Replica lists for `count` new partitions of `replicationFactor` replicas each, placed
 * evenly over the placeable (registered, not draining) brokers given what they already hold.
 * Precondition: 1 <= replicationFactor <= number of placeable brokers (the caller checks).
 */
export function placeReplicas(state: MetadataState, partitionCount: number, replicationFactor: number): number[][] {
  const ids = placeableBrokerIds(state);
  if (replicationFactor < 1 || replicationFactor > ids.length) {
    throw new Error(`placeReplicas: replication factor ${replicationFactor} needs 1..${ids.length} brokers`);
  }
  const loads = brokerLoads(state);
  const rackOf = new Map(ids.map((id) => [id, state.brokers.get(id)!.rack]));
  const load = (id: number): BrokerLoad => loads.get(id)!;
  const placed: number[][] = [];
  for (let p = 0; p < partitionCount; p++) {
    let leader = ids[0]!;
    for (const id of ids) {
      const a = load(id);
      const b = load(leader);
      if (a.leaders < b.leaders || (a.leaders === b.leaders && a.replicas < b.replicas)) leader = id;
    }
    const chosen = [leader];
    const usedRacks = new Set<string>();
    const noteRack = (id: number): void => {
      const rack = rackOf.get(id);
      if (rack) usedRacks.add(rack);
    };
    const freshRack = (id: number): number => {
      const rack = rackOf.get(id);
      return rack && usedRacks.has(rack) ? 1 : 0;
    };
    noteRack(leader);
    while (chosen.length < replicationFactor) {
      let best: number | undefined;
      for (const id of ids) {
        if (chosen.includes(id)) continue;
        if (best === undefined) { best = id; continue; }
        const a = load(id);
        const b = load(best);
        const order = freshRack(id) - freshRack(best) || a.followers - b.followers || a.replicas - b.replicas;
        if (order < 0) best = id;
      }
      chosen.push(best!);
      noteRack(best!);
    }
    count(loads, chosen);
    placed.push(chosen);
  }
  return placed;
}
