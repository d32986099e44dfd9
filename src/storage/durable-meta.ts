// The broker's small durable key/value store (kept in LMDB beside the log indexes): Raft hard
// state, configuration histories, producer-id blocks, and what else must survive a restart but
// is not a log. The storage engine (storage-engine.ts) has this shape; replication, partitions
// and the broker use it, so it lives below them all.

export interface DurableMeta {
  /** The value stored under `key`, or undefined when there is none. */
  getMeta(key: string): unknown;
  /** Durable (fsynced) when the promise resolves. */
  putMetaDurable(key: string, value: unknown): Promise<void>;
}
