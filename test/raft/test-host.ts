// A host for one Raft node in tests: obeys the Ready contract with MemoryRaftStorage, keeps a
// separate copy of what is durable (what survives a crash), and applies committed entries to a
// tiny state machine (a rolling hash of applied entries) so runs can be compared across nodes.
import { asRaftIndex, asTerm, type NodeId } from '../../src/common/ids';
import type { RaftOptions } from '../../src/raft/config';
import { decodeConfigEntry } from '../../src/raft/membership';
import { MemoryRaftStorage } from '../../src/raft/memory-storage';
import type { ConfigState, Entry, Message } from '../../src/raft/messages';
import { SeededRandom } from '../../src/raft/random';
import { RaftNode } from '../../src/raft/raft-node';
import type { Ready } from '../../src/raft/ready';

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** A stable short description of an entry's payload (what the state machine applies). */
export function entryKey(e: Entry): string {
  return e.type === 'config' ? `conf:${decodeConfigEntry(e.data).change.type}:${decodeConfigEntry(e.data).change.node}` : decoder.decode(e.data);
}

function mix(hash: number, key: string, index: number): number {
  let h = (hash ^ index) >>> 0;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619) >>> 0;
  return Math.imul(h ^ 0x5bd1e995, 2654435761) >>> 0;
}

export type HostOptions = Omit<RaftOptions, 'id' | 'storage' | 'random'>;

export interface ApplyListener {
  (host: TestHost, entry: Entry, hash: number): void;
}

export class TestHost {
  node: RaftNode | null = null;
  /** What the host has written (readable by the core). */
  storage: MemoryRaftStorage;
  /** What has been fsynced: survives a crash. */
  durable: MemoryRaftStorage;
  /** Messages of Readys whose writes are not yet durable (asyncStorageWrites only). */
  private held: { seq: number; messages: readonly Message[] }[] = [];
  private lastSeq = 0;
  /** Async mode: writes since the last fsync. */
  private dirty = false;
  appliedIndex = 0;
  appliedHash = 0;
  /** Applied config changes above the snapshot, newest last, to know the config at a compaction point. */
  private appliedConfigs: { index: number; config: ConfigState }[] = [];
  /** Hashes by applied index (recent ones), to write snapshots. */
  private hashes = new Map<number, number>();
  restarts = 0;
  /** The durable "rebuilding" mark of a node that lost its log (see loseLog), until the node reports it rebuilt. */
  rebuildingAfterTerm: number | undefined;

  constructor(readonly id: NodeId, storage: MemoryRaftStorage, readonly options: HostOptions, private readonly seed: number, private readonly onApply?: ApplyListener) {
    this.storage = storage;
    this.durable = storage.clone();
    this.start();
  }

  get up(): boolean {
    return this.node !== null;
  }

  get async(): boolean {
    return this.options.asyncStorageWrites === true;
  }

  private start(): void {
    const snap = this.storage.snapshot();
    this.appliedIndex = snap.meta.index;
    this.appliedHash = snap.data.byteLength > 0 ? Number(decoder.decode(snap.data)) : 0;
    this.appliedConfigs = [];
    this.hashes = new Map([[this.appliedIndex, this.appliedHash]]);
    this.node = new RaftNode({
      ...this.options,
      id: this.id,
      storage: this.storage,
      random: new SeededRandom(this.seed * 7919 + this.restarts),
      rebuildingAfterTerm: this.rebuildingAfterTerm,
    });
  }

  /**
   * Handles one Ready if there is one: write, (fsync unless async), apply, advance.
   * Returns the Ready and the messages to put on the wire now.
   */
  handleReady(): { ready: Ready; send: Message[] } | null {
    const node = this.node;
    if (!node || !node.hasReady()) return null;
    const rd = node.ready();
    if (rd.snapshot) {
      this.storage.applySnapshot(rd.snapshot);
      this.appliedIndex = rd.snapshot.meta.index;
      this.appliedHash = rd.snapshot.data.byteLength > 0 ? Number(decoder.decode(rd.snapshot.data)) : 0;
      this.appliedConfigs = [];
      this.hashes = new Map([[this.appliedIndex, this.appliedHash]]);
    }
    this.storage.append(rd.entries);
    if (rd.hardState) this.storage.setHardState(rd.hardState);
    this.lastSeq = rd.seq;
    const send: Message[] = [...rd.unsyncedMessages];
    if (this.async) {
      this.dirty = true;
      if (rd.messages.length > 0) this.held.push({ seq: rd.seq, messages: rd.messages });
    } else {
      this.durable = this.storage.clone();
      send.push(...rd.messages);
    }
    for (const e of rd.committedEntries) this.apply(e);
    node.advance(rd);
    if (node.status().rebuildingAfterTerm === null) this.rebuildingAfterTerm = undefined;
    return { ready: rd, send };
  }

  /** Async mode: everything written so far becomes durable; returns the messages it releases. */
  fsync(): Message[] {
    if (!this.node) return [];
    this.durable = this.storage.clone();
    this.dirty = false;
    const out: Message[] = [];
    for (const h of this.held) out.push(...h.messages);
    this.held = [];
    this.node.onLocalDurable(this.lastSeq);
    return out;
  }

  hasUnsynced(): boolean {
    return this.dirty;
  }

  private apply(e: Entry): void {
    if (e.index !== this.appliedIndex + 1) throw new Error(`node ${this.id} applies ${e.index} after ${this.appliedIndex}`);
    this.appliedIndex = e.index;
    this.appliedHash = mix(this.appliedHash, entryKey(e), e.index);
    this.hashes.set(e.index, this.appliedHash);
    if (this.hashes.size > 4096) this.hashes.delete(this.hashes.keys().next().value!);
    if (e.type === 'config') this.appliedConfigs.push({ index: e.index, config: decodeConfigEntry(e.data).config });
    this.onApply?.(this, e, this.appliedHash);
  }

  /** Discards the log up to `index` (<= applied) behind a snapshot. Returns false if not possible. */
  compact(index: number): boolean {
    if (!this.node || index > this.appliedIndex || index <= this.storage.snapshotMeta().index) return false;
    const hash = this.hashes.get(index);
    if (hash === undefined) return false;
    let config = this.storage.snapshotMeta().config;
    for (const c of this.appliedConfigs) if (c.index <= index) config = c.config;
    this.storage.compact(asRaftIndex(index), config, encoder.encode(String(hash)));
    this.appliedConfigs = this.appliedConfigs.filter((c) => c.index > index);
    return true;
  }

  /** Loses everything not durable, including messages not yet sent. */
  crash(): void {
    this.node = null;
    this.held = [];
    this.dirty = false;
    this.storage = this.durable.clone();
  }

  /**
   * The node's log is damaged and rebuilt from its peers, as a broker does (see
   * openReplicatedPartition): it crashes, keeps its term (one higher, with no vote) and its
   * bootstrap configuration, and restarts with an empty log, marked as rebuilding after the term it
   * had.
   */
  loseLog(bootstrap: ConfigState): void {
    const term = this.durable.initialState().hardState.term;
    this.crash();
    this.rebuildingAfterTerm = term;
    this.durable = MemoryRaftStorage.bootstrap(bootstrap.voters, bootstrap.learners);
    this.durable.setHardState({ term: asTerm(term + 1), vote: null, commit: asRaftIndex(0) });
    this.restart();
  }

  restart(): void {
    if (this.node) return;
    this.restarts++;
    this.storage = this.durable.clone();
    this.start();
  }
}
