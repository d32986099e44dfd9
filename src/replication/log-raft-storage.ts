// The Raft core's view of a partition's segment log (docs/architecture.md: it is the Raft
// log). Reads are synchronous for the core, so recent entries are kept in a bounded cache; a
// range that is not cached answers `undefined` while it is loaded from disk in the background,
// and the host re-drives the group when it arrives (src/raft/storage.ts explains the contract).
// Hard state (term, vote) lives in the broker's durable meta store. The cache is bounded per group
// and, with the other groups of the broker, by one shared budget (entry-cache-budget.ts).
import { asNodeId, asRaftIndex, asTerm, type RaftIndex, type Term } from '../common/ids';
import type { ConfigState, Entry, HardState, InitialState, RaftStorage, Snapshot, SnapshotMeta } from '../raft';
import { entryBytes } from '../raft';
import type { DurableMeta } from '../storage/durable-meta';
import type { PartitionLog } from '../storage/types';
import { ConfigHistory, type LogBounds } from './config-history';
import type { CacheMember, EntryCacheBudget } from './entry-cache-budget';
import { fromStoredEntry } from './partition-entry';

/** Most bytes one group caches, whatever room the broker's budget has. */
const GROUP_CACHE_BYTES = 32 * 1024 * 1024;
/**
 * A range loaded from disk holds at most this share of the budget (of GROUP_CACHE_BYTES without
 * one): it is used only on the next drive of the group, and a range that did not fit was shed by
 * its own arrival and loaded again, for ever (a restart replaying a 52 MB metadata log never
 * finished). The core takes what a load brings and asks for the rest (storage.ts allows it).
 */
const LOAD_SHARE_OF_BUDGET = 4;
/**
 * Heap a cached entry costs besides its data: the entry, its Uint8Array view and its Map slot
 * (~190 bytes measured on Node 20), so that a cache of many small entries counts what it holds.
 */
const CACHED_ENTRY_OVERHEAD_BYTES = 200;
const cacheCost = (entry: Entry): number => (entry.prefix?.byteLength ?? 0) + entry.data.byteLength + CACHED_ENTRY_OVERHEAD_BYTES;
/** Entries up to this size are copied when they are views into a buffer more than twice their size. */
const COPY_SMALL_VIEW_BYTES = 4096;
/** Small entries are copied into chunks of this size, filled in log order. */
const ARENA_CHUNK_BYTES = 16 * 1024;

interface StoredHardState {
  term: number;
  vote: number | null;
  commit: number;
}

export interface PartitionSnapshotData {
  readonly logStartOffset: number;
}

const hardStateKey = (raftGroupId: string): string => `raft/${raftGroupId}/hard-state`;
const configKey = (raftGroupId: string): string => `raft/${raftGroupId}/config`;

const rebuildingKey = (raftGroupId: string): string => `raft/${raftGroupId}/rebuilding`;

interface StoredRebuilding {
  /** The term this replica lost its log at (RaftOptions.rebuildingAfterTerm). */
  afterTerm: number;
}

/** Removes a group's hard state, configuration history and rebuilding mark from the meta store. */
export async function forgetRaftState(meta: DurableMeta, raftGroupId: string): Promise<void> {
  await meta.putMetaDurable(hardStateKey(raftGroupId), null);
  await meta.putMetaDurable(configKey(raftGroupId), null);
  await meta.putMetaDurable(rebuildingKey(raftGroupId), null);
}

/**
 * Prepares a replica whose log is lost to be rebuilt from its peers (docs/raft.md, "Rebuilding a
 * lost log"); called before its log is set aside, so that no crash can leave an empty log without
 * the mark. Records the term the log was lost at (an earlier mark's, if one is there), moves to
 * the next term (without a vote) so that a leader of the lost term steps down, and drops the
 * configuration history (its entries are gone with the log: the replica starts from its
 * bootstrap configuration and learns the rest from the leader). Keeps the term and the vote of
 * the current term otherwise: a vote once given is never forgotten.
 */
export async function markRebuilding(meta: DurableMeta, raftGroupId: string): Promise<number> {
  const stored = meta.getMeta(hardStateKey(raftGroupId)) as StoredHardState | null | undefined;
  const earlier = meta.getMeta(rebuildingKey(raftGroupId)) as StoredRebuilding | null | undefined;
  const term = stored?.term ?? 0;
  const afterTerm = earlier?.afterTerm ?? term;
  await meta.putMetaDurable(rebuildingKey(raftGroupId), { afterTerm } satisfies StoredRebuilding);
  const nextTerm = Math.max(term, afterTerm + 1);
  const vote = nextTerm === term ? (stored?.vote ?? null) : null;
  await meta.putMetaDurable(hardStateKey(raftGroupId), { term: nextTerm, vote, commit: 0 } satisfies StoredHardState);
  await meta.putMetaDurable(configKey(raftGroupId), null);
  return afterTerm;
}

/** The last configuration a group stored (its log may be lost), or undefined when it stored none. */
export function lastStoredConfig(meta: DurableMeta, raftGroupId: string): ConfigState | undefined {
  return ConfigHistory.decode(meta.getMeta(configKey(raftGroupId)))?.latest();
}

export class LogRaftStorage implements RaftStorage, CacheMember {
  private readonly cache = new Map<number, Entry>();
  private cacheBytes = 0;
  private lowestCached = Infinity;
  private loading: { lo: number; hi: number } | undefined;
  /**
   * The last range loaded from disk, kept apart from the cache so that the eviction of written
   * entries cannot undo it; counted in the budget once used, and shed before the cache.
   */
  private loaded = new Map<number, Entry>();
  private loadedBytes = 0;
  /** The chunk small cached entries are copied into (see owned). */
  private chunk: Buffer | undefined;
  private chunkUsed = 0;
  private hardState: HardState;
  private readonly configs: ConfigHistory;
  private readonly configStored: boolean;
  private readonly bounds: LogBounds;

  constructor(
    readonly log: PartitionLog,
    private readonly meta: DurableMeta,
    private readonly raftGroupId: string,
    bootstrapConfig: ConfigState,
    /** Called when a background load finished, so the host can drive the group again. */
    private readonly onLoaded: () => void,
    /** The broker's budget shared by all its groups; without one, only GROUP_CACHE_BYTES bounds the cache. */
    private readonly budget?: EntryCacheBudget,
  ) {
    const stored = meta.getMeta(this.hardStateKey) as StoredHardState | null | undefined;
    this.hardState = stored
      ? { term: asTerm(stored.term), vote: stored.vote === null ? null : asNodeId(stored.vote), commit: asRaftIndex(Math.min(stored.commit, log.lastRaftIndex)) }
      : { term: asTerm(0), vote: null, commit: asRaftIndex(0) };
    const history = ConfigHistory.decode(meta.getMeta(this.configKey));
    this.configStored = history !== undefined;
    this.configs = history ?? ConfigHistory.bootstrap(bootstrapConfig);
    this.bounds = { get firstIndex() { return log.firstRaftIndex; }, get lastIndex() { return log.lastRaftIndex; }, termAt: (i) => log.termAt(asRaftIndex(i)) };
  }

  private get hardStateKey(): string {
    return hardStateKey(this.raftGroupId);
  }
  private get configKey(): string {
    return configKey(this.raftGroupId);
  }

  initialState(): InitialState {
    const { config, index } = this.configs.current(this.bounds);
    return { hardState: this.hardState, config, configIndex: index };
  }

  /** Whether this replica had no stored state when opened (a brand-new group on this broker). */
  get isNew(): boolean {
    return !this.configStored;
  }

  /** The term this replica lost its log at while it is being rebuilt (see markRebuilding), else undefined. */
  get rebuildingAfterTerm(): number | undefined {
    return (this.meta.getMeta(rebuildingKey(this.raftGroupId)) as StoredRebuilding | null | undefined)?.afterTerm;
  }

  /** The replica has caught up (RaftStatus.rebuildingAfterTerm went null): it may vote again after a restart too. */
  clearRebuilding(): Promise<void> {
    return this.meta.putMetaDurable(rebuildingKey(this.raftGroupId), null);
  }

  /** Writes the bootstrap configuration when the group is new (nothing stored yet). */
  async persistBootstrapConfig(): Promise<void> {
    if (!this.configStored) await this.writeConfigs();
  }

  /**
   * Records the config entries among entries about to be appended. Awaited before the append,
   * so that a config entry on disk always has its record (see config-history.ts).
   */
  async recordConfigEntries(entries: readonly Entry[]): Promise<void> {
    if (!this.configs.add(entries)) return;
    this.configs.prune(this.bounds, this.hardState.commit);
    await this.writeConfigs();
  }

  /** The log was replaced by a snapshot: its configuration is the only one left. */
  async resetConfig(config: ConfigState, index: number, term: number): Promise<void> {
    this.configs.reset(config, index, term);
    await this.writeConfigs();
  }

  private writeConfigs(): Promise<void> {
    return this.meta.putMetaDurable(this.configKey, this.configs.encode());
  }

  /**
   * Stores term, vote and commit. Durable when the promise resolves; a change of term or vote
   * must be awaited before answering any message (thesis §3.8), a commit-only change need not.
   */
  saveHardState(hardState: HardState): Promise<void> {
    this.hardState = hardState;
    return this.meta.putMetaDurable(this.hardStateKey, { term: hardState.term, vote: hardState.vote, commit: hardState.commit } satisfies StoredHardState);
  }

  get savedHardState(): HardState {
    return this.hardState;
  }

  /** Removes the hard state and configuration from the meta store (the group's log is deleted). */
  forget(): Promise<void> {
    return forgetRaftState(this.meta, this.raftGroupId);
  }

  /** Keeps a commit-only change in memory; the next saveHardState writes it. */
  rememberCommit(hardState: HardState): void {
    this.hardState = hardState;
  }

  entries(lo: RaftIndex, hi: RaftIndex, maxBytes: number): readonly Entry[] | undefined {
    const out: Entry[] = [];
    let bytes = 0;
    for (let i = lo; i < hi; i++) {
      const entry = this.cache.get(i) ?? this.loaded.get(i) ?? this.configs.entry(i);
      if (!entry) {
        if (out.length > 0) return out;
        this.load(lo, hi, maxBytes);
        return undefined;
      }
      bytes += entryBytes(entry);
      if (out.length > 0 && bytes > maxBytes) break;
      out.push(entry);
    }
    return out;
  }

  term(index: RaftIndex): Term | undefined {
    if (index < this.log.firstRaftIndex - 1 || index > this.log.lastRaftIndex) return undefined;
    return this.log.termAt(index);
  }

  firstIndex(): RaftIndex {
    return this.log.firstRaftIndex;
  }

  lastIndex(): RaftIndex {
    return this.log.lastRaftIndex;
  }

  snapshotMeta(): SnapshotMeta {
    const index = asRaftIndex(this.log.firstRaftIndex - 1);
    return { index, term: this.log.termAt(index) ?? asTerm(0), config: this.configs.at(this.bounds, index) };
  }

  snapshot(): Snapshot {
    const data: PartitionSnapshotData = { logStartOffset: this.log.logStartOffset };
    return { meta: this.snapshotMeta(), data: Buffer.from(JSON.stringify(data)) };
  }

  /** Remembers entries just written (they are what followers will ask for next). */
  remember(entries: readonly Entry[]): void {
    let added = 0;
    for (const written of entries) {
      const entry = this.owned(written);
      const old = this.cache.get(entry.index);
      if (old) added -= cacheCost(old);
      this.cache.set(entry.index, entry);
      added += cacheCost(entry);
      if (entry.index < this.lowestCached) this.lowestCached = entry.index;
    }
    if (added > 0) {
      this.cacheBytes += added;
      this.budget?.added(this, added);
    } else {
      this.release(-added);
    }
    this.shedBeyond(GROUP_CACHE_BYTES);
  }

  /**
   * The host applied every entry up to `index`. A group whose only member is this replica (a
   * single broker's one-voter group) reads an entry once, to apply it, and has no follower to
   * serve: the cache lets go of it now. Kept until evicted, the entries outlived the young
   * generation and every eviction cost a full collection (docs/benchmarks.md, "One-voter Raft
   * path versus the single-broker partition"). An entry needed again later (a replica added to
   * the group) is read from the log.
   */
  appliedTo(index: number): void {
    if (this.cache.size === 0 || this.lowestCached > index) return;
    const { config } = this.configs.current(this.bounds);
    if (config.voters.length === 1 && config.learners.length === 0) this.dropOldestWhile(() => this.lowestCached <= index);
  }

  /**
   * A small entry is a view into the buffer that carried it (a follower's: the gRPC message of a
   * batch of envelopes; a leader's: a slab of Node's pool) and would keep all of it alive: a
   * cache counted at 56 MB held 180 MB. Small entries are copied into chunks of their own, filled
   * in log order and so freed in order as the oldest entries go; large ones keep their buffer.
   * A small entry in two parts (Entry.prefix) is joined there too.
   */
  private owned(entry: Entry): Entry {
    const { prefix } = entry;
    const size = (prefix?.byteLength ?? 0) + entry.data.byteLength;
    if (size > COPY_SMALL_VIEW_BYTES || (prefix === undefined && entry.data.buffer.byteLength <= 2 * size)) return entry;
    if (this.chunk === undefined || this.chunkUsed + size > this.chunk.length) {
      this.chunk = Buffer.allocUnsafeSlow(ARENA_CHUNK_BYTES);
      this.chunkUsed = 0;
    }
    const data = this.chunk.subarray(this.chunkUsed, this.chunkUsed + size);
    if (prefix !== undefined) data.set(prefix);
    data.set(entry.data, prefix?.byteLength ?? 0);
    this.chunkUsed += size;
    return { term: entry.term, index: entry.index, type: entry.type, data };
  }

  /**
   * Frees `bytes` (the budget asks): the range loaded from disk first, then the oldest cached
   * entries. The member that just added (`keepNewest`) gives its cache back first and its loaded
   * range last: that range is what its next drive is about to use.
   */
  shed(bytes: number, keepNewest: boolean): void {
    if (keepNewest) {
      const had = this.cacheBytes;
      this.shedBeyond(Math.max(0, this.cacheBytes - bytes), 1);
      if (had - this.cacheBytes < bytes) this.dropLoaded();
      return;
    }
    const freed = this.loadedBytes;
    this.dropLoaded();
    if (freed < bytes) this.shedBeyond(Math.max(0, this.cacheBytes - (bytes - freed)), 0);
  }

  /** Forgets cached entries at or after `index` (after a suffix truncation). */
  forgetFrom(index: number): void {
    this.configs.dropFrom(index);
    let dropped = 0;
    for (const [i, entry] of this.cache) {
      if (i >= index) {
        this.cache.delete(i);
        dropped += cacheCost(entry);
      }
    }
    this.release(dropped);
    if (this.cache.size === 0) this.lowestCached = Infinity;
    for (const i of this.loaded.keys()) if (i >= index) return this.dropLoaded();
  }

  /** Empties the cache and gives its bytes back to the budget (a snapshot, or the group stops). */
  clearCache(): void {
    this.dropLoaded();
    this.cache.clear();
    this.release(this.cacheBytes);
    this.lowestCached = Infinity;
    this.chunk = undefined;
  }

  private shedBeyond(limitBytes: number, keep = 1): void {
    this.dropOldestWhile((dropped) => this.cacheBytes - dropped > limitBytes && this.cache.size > keep);
  }

  /** Drops the oldest cached entries while `more(bytes dropped so far)` holds and any is left. */
  private dropOldestWhile(more: (dropped: number) => boolean): void {
    let dropped = 0;
    while (this.cache.size > 0 && more(dropped)) {
      const entry = this.cache.get(this.lowestCached);
      if (entry) {
        this.cache.delete(this.lowestCached);
        dropped += cacheCost(entry);
      }
      this.lowestCached++;
    }
    if (this.cache.size === 0) {
      this.lowestCached = Infinity;
      this.chunk = undefined;
    }
    this.release(dropped);
  }

  private release(bytes: number): void {
    if (bytes === 0) return;
    this.cacheBytes -= bytes;
    this.budget?.released(this, bytes);
  }

  private dropLoaded(): void {
    if (this.loaded.size > 0) this.loaded = new Map();
    if (this.loadedBytes === 0) return;
    this.budget?.released(this, this.loadedBytes);
    this.loadedBytes = 0;
  }

  private load(lo: number, hi: number, maxBytes: number): void {
    if (this.loading) return;
    this.loading = { lo, hi };
    const limit = Math.floor((this.budget?.limitBytes ?? GROUP_CACHE_BYTES) / LOAD_SHARE_OF_BUDGET);
    this.log.readByRaftIndex(asRaftIndex(lo), asRaftIndex(hi), Math.min(maxBytes, limit)).then(
      (stored) => {
        this.loading = undefined;
        this.dropLoaded();
        // The read's budget counts stored bytes; an entry in memory costs more (cacheCost).
        const loaded = new Map<number, Entry>();
        let bytes = 0;
        for (const e of stored) {
          const entry = fromStoredEntry(e);
          if (loaded.size > 0 && bytes + cacheCost(entry) > limit) break;
          loaded.set(e.header.raftIndex, entry);
          bytes += cacheCost(entry);
        }
        this.loaded = loaded;
        this.loadedBytes = bytes;
        this.budget?.added(this, bytes);
        this.onLoaded(); // the leader sends the range on the group's next drive
      },
      () => {
        this.loading = undefined;
        this.onLoaded();
      },
    );
  }
}
