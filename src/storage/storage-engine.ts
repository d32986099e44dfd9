// The log manager: one per broker. Owns the broker's single LMDB environment (<dataDir>/index,
// holding every partition's index plus a small durable key/value store) and the partition
// directories (<dataDir>/partitions/, named as partition-dirs.ts says).
import { mkdirSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { type Database, open, type RootDatabase } from 'lmdb';
import { type Clock, systemClock } from '../common/clock';
import { ErrorCode, SluiceError } from '../common/errors';
import { type Logger, moduleLogger } from '../common/logger';
import type { TopicId } from '../common/topic-id';
import { DescriptorPool } from './descriptor-pool';
import { DiskLog } from './disk-log';
import { type FileIo, nodeFileIo } from './file-io';
import { completeInterruptedSwaps, DELETING_SUFFIX, parsePartitionDirName, partitionDirName, type StoredLog } from './partition-dirs';
import { type IndexDatabases, IndexWriteScheduler, SegmentIndex } from './segment-index';
import type { LogConfig, PartitionLog } from './types';

export interface StorageEngineOptions {
  /** Root of everything this broker stores. Created if missing. */
  readonly dataDir: string;
  /** Defaults to the system clock. Used for segment rolling by age. */
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** File-system access for segment files; tests inject failures here. Defaults to node:fs. */
  readonly io?: FileIo;
  /**
   * Most descriptors of closed segments (not being appended to) kept open across all partitions;
   * beyond it the least recently read are closed and reopened on their next read. Each
   * partition's active segment holds one more. Default DEFAULT_SEGMENT_FILE_POOL_SIZE.
   */
  readonly maxOpenSegmentFiles?: number;
}

/** The pool size when the broker does not derive one from its descriptor limit (docs/storage.md). */
export const DEFAULT_SEGMENT_FILE_POOL_SIZE = 256;

export class StorageEngine {
  private readonly logs = new Map<string, DiskLog>();
  private readonly opening = new Map<string, Promise<DiskLog>>();
  private closed: Promise<void> | undefined;
  /** One LMDB commit for the appends of every partition (see segment-index.ts). */
  private readonly indexWrites = new IndexWriteScheduler();
  /** Descriptors of every partition's closed segments. */
  readonly descriptorPool: DescriptorPool;

  private constructor(
    private readonly dataDir: string,
    private readonly dbs: IndexDatabases & { readonly meta: Database },
    private readonly clock: Clock,
    private readonly logger: Logger,
    readonly io: FileIo,
    maxOpenSegmentFiles: number,
  ) {
    this.descriptorPool = new DescriptorPool(maxOpenSegmentFiles);
  }

  /** Opens (creating if needed) the LMDB environment and the partitions directory. */
  static async open(options: StorageEngineOptions): Promise<StorageEngine> {
    const logger = options.logger ?? moduleLogger('storage');
    const io = options.io ?? nodeFileIo;
    const partitionsDir = join(options.dataDir, 'partitions');
    mkdirSync(partitionsDir, { recursive: true });
    await completeInterruptedSwaps(io, partitionsDir);
    const env = openIndexEnv(join(options.dataDir, 'index'), logger);
    const dbs = {
      env,
      offsets: env.openDB({ name: 'offsets' }),
      raft: env.openDB({ name: 'raft' }),
      times: env.openDB({ name: 'times' }),
      segments: env.openDB({ name: 'segments' }),
      meta: env.openDB({ name: 'meta' }),
    };
    return new StorageEngine(options.dataDir, dbs, options.clock ?? systemClock, logger, io, options.maxOpenSegmentFiles ?? DEFAULT_SEGMENT_FILE_POOL_SIZE);
  }

  /**
   * Opens the log of one partition, creating it if absent and recovering it after a crash. Opening
   * an open log returns it. A topic's partition passes its topic's id, which names the directory;
   * a log of no topic (the metadata log) is named by `topic` alone.
   */
  async openLog(topic: string, partition: number, config: LogConfig, topicId?: TopicId): Promise<PartitionLog> {
    this.checkOpen();
    const key = partitionDirName(topic, partition, topicId);
    const existing = this.logs.get(key);
    if (existing !== undefined) {
      existing.updateConfig(config);
      return existing;
    }
    let pending = this.opening.get(key);
    if (pending === undefined) {
      const logger = this.logger.child({ partition: `${topic}/${partition}` });
      pending = DiskLog.open({ dir: join(this.partitionsDir, key), config, io: this.io, index: new SegmentIndex(this.dbs, key, logger, this.indexWrites), clock: this.clock, logger, pool: this.descriptorPool });
      this.opening.set(key, pending);
      pending.then((log) => this.logs.set(key, log), () => undefined).finally(() => this.opening.delete(key));
    }
    return pending;
  }

  /**
   * Gives the log a topic's partition wrote before topics had ids (`<topic>-<partition>`) its id's
   * directory, if it has one and the id's directory does not exist yet; its index entries are
   * dropped (rebuilt from the segments). One rename, then an fsync of the parent: a crash leaves
   * one name or the other, and calling it again finishes the job. Call it before openLog.
   */
  async adoptNameDir(topic: string, partition: number, topicId: TopicId): Promise<void> {
    this.checkOpen();
    const legacyKey = partitionDirName(topic, partition);
    const from = join(this.partitionsDir, legacyKey);
    const to = join(this.partitionsDir, partitionDirName(topic, partition, topicId));
    if (this.logs.has(legacyKey) || !(await this.io.exists(from)) || (await this.io.exists(to))) return;
    await this.io.rename(from, to);
    await this.io.syncDir(this.partitionsDir);
    new SegmentIndex(this.dbs, legacyKey, this.logger).removeAll();
    this.logger.info({ topic, partition, topicId }, `renamed the directory of ${topic}/${partition} to its topic id's (${topicId})`);
  }

  /**
   * Closes the log if open and removes its files and index entries (`topicId` as given to
   * openLog). Durable when resolved: the directory is first renamed to `~deleting` (removed at
   * the next start if a crash interrupts the removal), so no later open can find it.
   */
  async deleteLog(topic: string, partition: number, topicId?: TopicId): Promise<void> {
    this.checkOpen();
    const key = partitionDirName(topic, partition, topicId);
    await this.opening.get(key)?.catch(() => undefined);
    const log = this.logs.get(key);
    this.logs.delete(key);
    await log?.close();
    const dir = join(this.partitionsDir, key);
    const existed = await this.io.exists(dir);
    if (existed) {
      await this.io.rename(dir, dir + DELETING_SUFFIX);
      await this.io.syncDir(this.partitionsDir);
      await this.io.rmrf(dir + DELETING_SUFFIX);
    }
    new SegmentIndex(this.dbs, key, this.logger).removeAll();
    // A restart replays every deletion the metadata holds: only one that removed files is news.
    if (existed || log !== undefined) this.logger.info({ topic, partition, topicId }, `deleted the log of ${topic}/${partition}`);
  }

  /**
   * Moves a partition's damaged log out of the way, to <dataDir>/damaged/ (kept for inspection,
   * never read again), and removes its index entries, so that the next openLog starts it empty.
   * Returns where it went. Durable when resolved.
   */
  async setAsideLog(topic: string, partition: number, topicId?: TopicId): Promise<string> {
    this.checkOpen();
    const key = partitionDirName(topic, partition, topicId);
    await this.opening.get(key)?.catch(() => undefined);
    const log = this.logs.get(key);
    this.logs.delete(key);
    await log?.close().catch(() => undefined);
    const partitionsDir = this.partitionsDir;
    const damagedDir = join(this.dataDir, 'damaged');
    const aside = join(damagedDir, `${key}.${this.clock.nowMs()}`);
    await this.io.mkdir(damagedDir);
    await this.io.rename(join(partitionsDir, key), aside);
    await this.io.syncDir(partitionsDir);
    await this.io.syncDir(damagedDir);
    new SegmentIndex(this.dbs, key, this.logger).removeAll();
    return aside;
  }

  /** Logs that have a directory on disk, open or not, in the order of their directories' names. */
  listLogs(): StoredLog[] {
    const found: StoredLog[] = [];
    for (const name of readdirSync(this.partitionsDir).sort()) {
      const log = parsePartitionDirName(name);
      if (log !== undefined) found.push(log);
    }
    return found;
  }

  /** The value last stored under `key` by putMetaDurable, or undefined. */
  getMeta(key: string): unknown {
    this.checkOpen();
    return this.dbs.meta.get(key);
  }

  /** Stores a value (any msgpack-encodable value); resolves once it is committed and fsynced. */
  async putMetaDurable(key: string, value: unknown): Promise<void> {
    this.checkOpen();
    await this.dbs.meta.put(key, value);
    await this.dbs.env.flushed;
  }

  /** Closes every open log, flushes the index and closes LMDB. Safe to call twice. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      await Promise.all([...this.opening.values()].map((p) => p.catch(() => undefined)));
      await Promise.all([...this.logs.values()].map((log) => log.close()));
      this.logs.clear();
      this.indexWrites.writeAll();
      await this.dbs.env.flushed;
      await this.dbs.env.close();
    })();
    return this.closed;
  }

  private get partitionsDir(): string {
    return join(this.dataDir, 'partitions');
  }

  private checkOpen(): void {
    if (this.closed !== undefined) throw new SluiceError(ErrorCode.STORAGE_ERROR, `the storage engine at ${this.dataDir} is closed`);
  }
}

/** Opens LMDB; an unreadable environment is moved aside (the index is rebuilt from the segments). */
function openIndexEnv(path: string, logger: Logger): RootDatabase {
  try {
    return open({ path, compression: false, maxDbs: 16 });
  } catch (e) {
    const aside = `${path}.corrupt-${Date.now()}`;
    logger.error({ err: e, path, aside }, `cannot open the LMDB index at ${path}; moving it to ${aside} and rebuilding indexes from the segments (durable metadata stored there is lost)`);
    renameSync(path, aside);
    return open({ path, compression: false, maxDbs: 16 });
  }
}
