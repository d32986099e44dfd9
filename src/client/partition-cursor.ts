// Where a consumer stands in one partition: shared by the fetch engine (consumer-fetcher.ts) and
// push delivery (consumer-subscriptions.ts).
import { partitionKey, type TopicPartition } from '../common/ids';

/** Where the consumer stands in one partition. */
export class PartitionCursor implements TopicPartition {
  readonly key: string;
  /** Next offset the application will receive (what commit() stores); undefined until resolved. */
  position: number | undefined;
  /** Next offset to fetch; runs ahead of `position` by what is prefetched. */
  fetchOffset: number | undefined;
  /** Bumped by every seek; answers to requests of an older generation are dropped. */
  generation = 0;
  leaderEpoch = -1;
  highWatermark = -1;

  constructor(readonly topic: string, readonly partition: number) {
    this.key = partitionKey({ topic, partition });
  }

  /** Moves both position and fetch offset, dropping anything fetched before. */
  seekTo(offset: number): void {
    this.position = offset;
    this.fetchOffset = offset;
    this.generation++;
  }
}
