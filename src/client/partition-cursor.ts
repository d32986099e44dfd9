// Where a consumer stands in one partition: shared by the fetch engine (consumer-fetcher.ts) and
// push delivery (consumer-subscriptions.ts).
import { partitionKey, type TopicPartition } from '../common/ids';

/**
 * Generations are unique across every cursor of the process, not just counted per cursor: a
 * partition revoked and assigned again gets a new cursor, and a Subscribe stream recognises its
 * cursors by key and generation (consumer-subscriptions.ts), so the new cursor must never repeat
 * a generation of the one it replaces.
 */
let lastGeneration = 0;

/** Where the consumer stands in one partition. */
export class PartitionCursor implements TopicPartition {
  readonly key: string;
  /** Next offset the application will receive (what commit() stores); undefined until resolved. */
  position: number | undefined;
  /** Next offset to fetch; runs ahead of `position` by what is prefetched. */
  fetchOffset: number | undefined;
  /** Renewed by every seek and by retire(); answers to requests of an older generation are dropped. */
  generation = ++lastGeneration;
  leaderEpoch = -1;
  highWatermark = -1;
  /**
   * The id of the topic the position belongs to (from the metadata when first seen). A different
   * id later means the topic was deleted and re-created under the same name.
   */
  topicId: string | undefined;
  /** Resolve from the log start whatever the reset policy says (the topic was re-created). */
  fromStart = false;

  constructor(readonly topic: string, readonly partition: number) {
    this.key = partitionKey({ topic, partition });
  }

  /** Moves both position and fetch offset, dropping anything fetched before. */
  seekTo(offset: number): void {
    this.position = offset;
    this.fetchOffset = offset;
    this.generation = ++lastGeneration;
  }

  /** Forgets the position: the next round resolves it again, from the log start. */
  restart(): void {
    this.position = undefined;
    this.fetchOffset = undefined;
    this.fromStart = true;
    this.generation = ++lastGeneration;
  }

  /** The partition is no longer this consumer's: whatever was fetched for it is dropped. */
  retire(): void {
    this.generation = ++lastGeneration;
  }
}
