// Drives one Raft group over its segment log, following the Ready contract of src/raft/ready.ts
// with asynchronous storage writes: write entries (one append), send the leader's appends at
// once, advance, apply what is committed, and fsync (group-committed by the log) before sending
// the messages that promise durability — votes and append acknowledgements (thesis §3.8, §10.2.1).
import { asRaftIndex, asTerm, type NodeId } from '../common/ids';
import type { Logger } from '../common/logger';
import { RaftNode, SeededRandom, type Entry, type Ready, type SoftState } from '../raft';
import type { EntryHeader } from '../storage/types';
import type { LogRaftStorage, PartitionSnapshotData } from './log-raft-storage';
import { toAppendEntry } from './partition-entry';
import type { HostedGroup, RaftHost } from './raft-host';

/** What the group's owner does with the log's events. */
export interface GroupStateMachine {
  /** Entries were written to the local log (in order), with the headers storage gave them. */
  onAppended(entries: readonly Entry[], headers: readonly EntryHeader[]): void;
  /** Entries at and after `fromIndex` were removed (a divergent uncommitted tail). */
  onTruncated(fromIndex: number): Promise<void>;
  /** The log was replaced by a snapshot (a follower far behind). */
  onSnapshotInstalled(snapshotIndex: number, logStartOffset: number): void;
  /** Committed entries, in order, each exactly once while the group runs. */
  onCommitted(entries: readonly Entry[]): void;
  /** Leader or role changed. */
  onSoftState(soft: SoftState, term: number): void;
  /** The group stopped because its storage failed; it will not make progress until restart. */
  onFailed(error: Error): void;
}

export interface GroupDriverOptions {
  readonly groupId: string;
  readonly nodeId: NodeId;
  readonly storage: LogRaftStorage;
  readonly host: RaftHost;
  readonly machine: GroupStateMachine;
  readonly logger: Logger;
  /** Election timeout in host ticks. */
  readonly electionTimeoutTicks: number;
  readonly applied: number;
  readonly seed: number;
}

/** How often a commit-only hard-state change is written (losing it is safe: it is re-learned). */
const COMMIT_PERSIST_INTERVAL_MS = 1000;

export class GroupDriver implements HostedGroup {
  readonly groupId: string;
  readonly node: RaftNode;
  private running = false;
  private again = false;
  private failed = false;
  private stopped = false;
  /** Resolves when every earlier Ready's writes are durable and its messages were sent. */
  private durableChain: Promise<void> = Promise.resolve();
  private commitPersistTimer: NodeJS.Timeout | undefined;
  private term = 0;

  constructor(private readonly options: GroupDriverOptions) {
    this.groupId = options.groupId;
    this.node = new RaftNode({
      id: options.nodeId,
      storage: options.storage,
      random: new SeededRandom(options.seed),
      electionTimeoutTicks: options.electionTimeoutTicks,
      heartbeatTicks: 1,
      asyncStorageWrites: true,
      applied: asRaftIndex(options.applied),
    });
    this.term = options.storage.savedHardState.term;
  }

  get currentTerm(): number {
    return this.term;
  }

  /** Asks the host to drive this group on the next turn (coalescing many proposals into one Ready). */
  schedule(): void {
    this.options.host.schedule(this);
  }

  drive(): void {
    if (this.failed || this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.loop();
  }

  /** Stops driving and writes the latest hard state. Safe to call twice. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.options.host.remove(this.groupId);
    if (this.commitPersistTimer) clearTimeout(this.commitPersistTimer);
    await this.durableChain.catch(() => undefined);
    if (!this.failed) await this.options.storage.saveHardState(this.options.storage.savedHardState).catch(() => undefined);
  }

  /** After stop(): removes the group's hard state and configuration (its log is being deleted). */
  async forgetState(): Promise<void> {
    await this.options.storage.forget();
  }

  private async loop(): Promise<void> {
    try {
      do {
        this.again = false;
        while (!this.stopped && this.node.hasReady()) {
          const ready = this.node.ready();
          await this.handle(ready);
          // A Ready with nothing in it (the core is waiting for entries being loaded from disk)
          // must not spin: the load's completion schedules the group again.
          if (isEmpty(ready)) break;
        }
      } while (this.again && !this.stopped);
    } catch (error) {
      this.failed = true;
      this.options.logger.fatal({ group: this.groupId, err: error }, 'raft group stopped: its storage failed');
      this.options.machine.onFailed(error as Error);
    } finally {
      this.running = false;
    }
  }

  private async handle(ready: Ready): Promise<void> {
    const { storage, machine, host } = this.options;
    const log = storage.log;
    if (ready.hardState) this.term = ready.hardState.term;
    if (ready.softState) machine.onSoftState(ready.softState, this.term);
    if (ready.snapshot) {
      const data = JSON.parse(Buffer.from(ready.snapshot.data).toString('utf8')) as PartitionSnapshotData;
      await log.resetTo(data.logStartOffset as never, asRaftIndex(ready.snapshot.meta.index + 1), asTerm(ready.snapshot.meta.term));
      storage.clearCache();
      await storage.resetConfig(ready.snapshot.meta.config, ready.snapshot.meta.index, ready.snapshot.meta.term);
      machine.onSnapshotInstalled(ready.snapshot.meta.index, data.logStartOffset);
    }
    if (ready.entries.length > 0) {
      const first = ready.entries[0]!.index;
      if (first <= log.lastRaftIndex) {
        await log.truncateSuffix(first);
        storage.forgetFrom(first);
        await machine.onTruncated(first);
      }
      await storage.recordConfigEntries(ready.entries);
      const headers = await log.append(ready.entries.map(toAppendEntry));
      storage.remember(ready.entries);
      machine.onAppended(ready.entries, headers);
    }
    if (ready.hardState) await this.saveHardState(ready);
    host.send(this.groupId, ready.unsyncedMessages);
    const seq = ready.seq;
    this.node.advance(ready);
    if (ready.committedEntries.length > 0) machine.onCommitted(ready.committedEntries);

    const messages = ready.messages;
    if (ready.mustSync) {
      this.durableChain = this.durableChain
        .then(() => log.sync())
        .then(() => {
          if (this.stopped) return;
          this.node.onLocalDurable(seq);
          host.send(this.groupId, messages);
          host.schedule(this);
        });
      this.durableChain.catch((error: unknown) => {
        if (this.failed) return;
        this.failed = true;
        this.options.logger.fatal({ group: this.groupId, err: error }, 'raft group stopped: fsync failed');
        machine.onFailed(error as Error);
      });
    } else if (messages.length > 0) {
      this.durableChain = this.durableChain.then(() => host.send(this.groupId, messages));
    }
  }

  /** Term and vote changes are durable before any message is sent; commit-only changes are written lazily. */
  private async saveHardState(ready: Ready): Promise<void> {
    const storage = this.options.storage;
    const previous = storage.savedHardState;
    const next = ready.hardState!;
    if (next.term !== previous.term || next.vote !== previous.vote) {
      await storage.saveHardState(next);
      return;
    }
    storage.rememberCommit(next);
    if (!this.commitPersistTimer && !this.stopped) {
      this.commitPersistTimer = setTimeout(() => {
        this.commitPersistTimer = undefined;
        void storage.saveHardState(storage.savedHardState).catch(() => undefined);
      }, COMMIT_PERSIST_INTERVAL_MS);
      this.commitPersistTimer.unref();
    }
  }
}

function isEmpty(ready: Ready): boolean {
  return (
    ready.softState === null &&
    ready.hardState === null &&
    ready.snapshot === null &&
    ready.entries.length === 0 &&
    ready.committedEntries.length === 0 &&
    ready.messages.length === 0 &&
    ready.unsyncedMessages.length === 0
  );
}
