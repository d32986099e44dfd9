// One way to give up a log that cannot be opened, for a partition replica and for the metadata
// group alike (docs/raft.md, "Rebuilding a lost log"): the replica is marked as rebuilding,
// durably, and only then is its directory moved aside; it starts again with an empty log, which
// its Raft group (RaftOptions.rebuildingAfterTerm, read back by LogRaftStorage) refills from
// its peers before it votes or campaigns again.
import type { TopicId } from '../common/topic-id';
import type { DurableMeta } from '../storage/durable-meta';
import { markRebuilding } from './log-raft-storage';

/** Moves a log's directory aside (StorageEngine.setAsideLog), answering where it went. */
export interface LogSetAside {
  setAsideLog(topic: string, partition: number, topicId?: TopicId): Promise<string>;
}

export interface SetAside {
  /** The term the replica lost its log at. */
  readonly afterTerm: number;
  /** Where the damaged directory went (under <dataDir>/damaged/). */
  readonly aside: string;
}

export async function setAsideToRebuild(
  storage: DurableMeta & LogSetAside,
  raftGroupId: string,
  log: { readonly topic: string; readonly partition: number; readonly topicId?: TopicId },
): Promise<SetAside> {
  // The mark first: no crash may leave an empty log without it.
  const afterTerm = await markRebuilding(storage, raftGroupId);
  const aside = await storage.setAsideLog(log.topic, log.partition, log.topicId);
  return { afterTerm, aside };
}
