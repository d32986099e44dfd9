// Opening the metadata group's log. A broker never refuses to start because of one partition
// (issue 28), and the metadata log is no exception where it can be helped: one that cannot be
// opened is rebuilt from the other brokers exactly as a partition replica is (docs/raft.md,
// "Rebuilding a lost log" and "Two voters"). That needs another voter to copy from; a broker that
// is the group's only voter refuses to start, saying what is damaged and how to recover
// (docs/storage.md, "A metadata log that cannot be opened").
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
    if (!config.voters.some((v) => v !== asNodeId(nodeId))) {
      throw new Error(
        `${damage}, and there is no other broker to rebuild it from. To recover: restore ${context.dataDir} from a backup, or start fresh with an empty data directory (every topic and record this broker held is lost); the damaged log is at ${where}`,
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
