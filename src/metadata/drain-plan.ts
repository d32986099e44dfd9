// Where a drained broker's replicas go. Pure and deterministic (it runs inside applyCommand):
// each partition holding the broker drops it and gains the placeable broker with the fewest
// replicas, preferring a rack the partition does not use yet, ties broken by lowest id. Loads
// are updated as the plan goes, so draining many partitions spreads them evenly. The
// replacement takes the drained broker's place in the list, so a partition whose preferred
// leader was drained gets the new broker as preferred leader: leadership moves to it once it has
// caught up, and preferred leaderships stay spread instead of piling onto the remaining brokers.
import { placeableBrokerIds, type MetadataState } from './metadata-state';
import { brokerLoads } from './placement';

export interface PlannedMove {
  readonly topic: string;
  readonly partition: number;
  /** The partition's new replica list. */
  readonly replicas: readonly number[];
}

/** The moves that take every replica off `brokerId`, or why that is impossible. */
export function planDrain(state: MetadataState, brokerId: number): PlannedMove[] | string {
  if (!state.brokers.has(brokerId)) {
    return `broker ${brokerId} is not registered: registered brokers are ${[...state.brokers.keys()].sort((a, b) => a - b).join(', ') || 'none'}`;
  }
  const candidates = placeableBrokerIds(state).filter((id) => id !== brokerId);
  const loads = brokerLoads(state);
  const rackOf = (id: number): string | null => state.brokers.get(id)!.rack;
  const moves: PlannedMove[] = [];
  for (const name of [...state.topics.keys()].sort()) {
    const topic = state.topics.get(name)!;
    for (let partition = 0; partition < topic.partitions.length; partition++) {
      const replicas = topic.partitions[partition]!.replicas;
      if (!replicas.includes(brokerId)) continue;
      const staying = replicas.filter((id) => id !== brokerId);
      const usedRacks = new Set(staying.map(rackOf).filter((rack) => rack !== null));
      const freshRack = (id: number): number => {
        const rack = rackOf(id);
        return rack !== null && usedRacks.has(rack) ? 1 : 0;
      };
      const options = candidates.filter((id) => !staying.includes(id));
      if (options.length === 0) {
        return `cannot drain broker ${brokerId}: ${name}/${partition} has replication factor ${replicas.length} and only ` +
          `${candidates.length} other broker(s) can take replicas (draining brokers take none); add a broker or lower the replication factor first`;
      }
      const replacement = options.reduce((best, id) => {
        const order = freshRack(id) - freshRack(best) || loads.get(id)!.replicas - loads.get(best)!.replicas || id - best;
        return order < 0 ? id : best;
      });
      loads.get(replacement)!.replicas++;
      loads.get(brokerId)!.replicas--;
      moves.push({ topic: name, partition, replicas: replicas.map((id) => (id === brokerId ? replacement : id)) });
    }
  }
  return moves;
}
