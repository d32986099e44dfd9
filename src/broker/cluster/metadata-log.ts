// Opening the metadata group's log. A broker never refuses to start because of one partition
// (issue 28), and the metadata log is no exception where it can be helped: one that cannot be
// opened is rebuilt from the other brokers exactly as a partition replica is (docs/raft.md,
// "Rebuilding a lost log"). That needs a group that can elect a leader without this broker's
// vote: three voters or more. With fewer, the broker refuses to start, saying what is damaged and
// how to recover (docs/storage.md, "A metadata log that cannot be opened").
import { join } from 'node:path';
import { asNodeId } from '../../common/ids';
import type { Logger } from '../../common/logger';
import type { ConfigState } from '../../raft';
import { lastStoredConfig } from '../../replication/log-raft-storage';
import { setAsideToRebuild } from '../../replication/set-aside-to-rebuild';
import type { StorageEngine } from '../../storage/storage-engine';
import { DEFAULT_LOG_CONFIG, type PartitionLog } from '../../storage/types';
import { isResourceExhaustion, openFailureReason } from '../out-of-service';

export const METADATA_RAFT_GROUP_ID = '__metadata';
export const METADATA_LOG_TOPIC = '__cluster_metadata';
const METADATA_LOG_CONFIG = { ...DEFAULT_LOG_CONFIG, retentionMs: -1, retentionBytes: -1, segmentBytes: 16 * 1024 * 1024 };
/** Voters the group needs to elect a leader while one of them rebuilds (it votes for nobody). */
const VOTERS_TO_REBUILD = 3;

export interface MetadataLogContext {
  readonly nodeId: number;
  readonly dataDir: string;
  /** The configuration the group starts from when it has stored none. */
  readonly bootstrap: ConfigState;
  readonly logger: Logger;
}

export async function openMetadataLog(storage: StorageEngine, context: MetadataLogContext): Promise<PartitionLog> {
  try {
    return await storage.openLog(METADATA_LOG_TOPIC, 0, METADATA_LOG_CONFIG);
  } catch (error) {
    const { nodeId, logger } = context;
    const where = join(context.dataDir, 'partitions', `${METADATA_LOG_TOPIC}-0`);
    const damage = `the metadata log of broker ${nodeId} cannot be opened (${(error as Error).message})`;
    if (isResourceExhaustion(error)) throw new Error(`${damage}: free the resource (raise the descriptor limit, add memory or space) and start the broker again`);
    const config = lastStoredConfig(storage, METADATA_RAFT_GROUP_ID) ?? context.bootstrap;
    const others = config.voters.filter((v) => v !== asNodeId(nodeId)).length;
    if (config.voters.length < VOTERS_TO_REBUILD) {
      const why =
        others === 0
          ? 'and there is no other broker to rebuild it from'
          : `and its metadata group has ${config.voters.length} voters: the other cannot be elected while this one rebuilds (that needs ${VOTERS_TO_REBUILD} voters or more)`;
      throw new Error(
        `${damage}, ${why}. To recover: restore ${context.dataDir} from a backup, or start fresh with an empty data directory (every topic and record this broker held is lost); the damaged log is at ${where}`,
      );
    }
    logger.error({ err: openFailureReason(error) }, `${damage}: rebuilding it from the other brokers`);
    const { afterTerm, aside } = await setAsideToRebuild(storage, METADATA_RAFT_GROUP_ID, { topic: METADATA_LOG_TOPIC, partition: 0 });
    logger.warn(
      { aside, afterTerm },
      `moved the damaged metadata log to ${aside}: this broker rebuilds it from the other brokers, and neither votes nor stands for election in the metadata group until it has caught up`,
    );
    return storage.openLog(METADATA_LOG_TOPIC, 0, METADATA_LOG_CONFIG);
  }
}
