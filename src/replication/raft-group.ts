// Drives one Raft group over its segment log, following the Ready contract of src/raft/ready.ts
// with asynchronous storage writes: send the leader's appends at once, write entries (one
// append), advance, apply what is committed, and fsync (group-committed by the log) before sending
// the messages that promise durability — votes and append acknowledgements (thesis §3.8, §10.2.1).
import { asRaftIndex, asTerm, type NodeId } from '../common/ids';
import type { Logger } from '../common/logger';
import { RaftNode, SeededRandom, type ConfChange, type ConfigState, type Entry, type Message, type ProgressStatus, type ProposeResult, type RaftStatus, type Ready, type SoftState } from '../raft';
import type { EntryHeader } from '../storage/types';
import type { LogRaftStorage, PartitionSnapshotData } from './log-raft-storage';
import { toAppendEntry } from './partition-entry';
import type { HostedRaftGroup, NodeLiveness, RaftHost } from './raft-host';

/** What the group's owner does with the log's events. */
export interface RaftStateMachine {
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

export interface RaftGroupOptions {
  readonly raftGroupId: string;
  readonly nodeId: NodeId;
  readonly storage: LogRaftStorage;
  readonly host: RaftHost;
  readonly machine: RaftStateMachine;
  readonly logger: Logger;
  /** Election timeout in host ticks. */
  readonly electionTimeoutTicks: number;
  readonly applied: number;
  readonly seed: number;
  /** See RaftOptions.eagerCommitBroadcast (default true). */
  readonly eagerCommitBroadcast?: boolean;
  /** See RaftOptions.rebuildingAfterTerm: the replica's log was lost and is rebuilt from its peers. */
  readonly rebuildingAfterTerm?: number;
}

/** How often a commit-only hard-state change is written (losing it is safe: it is re-learned). */
const COMMIT_PERSIST_INTERVAL_MS = 1000;
/** Ticks without activity after which a group may quiesce (see raft-host.ts). */
const QUIESCE_AFTER_TICKS = 10;

/**
 * The one way to a group's Raft node: every request that gives the node work (a proposal, a
 * membership change, a leadership transfer, an election) also schedules the group, so that no
 * caller can forget to.
 */
export class RaftGroup implements HostedRaftGroup {
  readonly raftGroupId: string;
  private readonly node: RaftNode;
  private running = false;
  private again = false;
  private failedFlag = false;
  private stopped = false;
  /** Resolves when every earlier Ready's writes are durable and its messages were sent. */
  private durableChain: Promise<void> = Promise.resolve();
  private commitPersistTimer: NodeJS.Timeout | undefined;
  private term = 0;
  private idleTicks = 0;
  /** Quiesced as leader (until woken), or as a follower of `quietLeader` (while its node is alive). */
  private quiet: 'no' | 'leader' | 'follower' = 'no';
  private quietLeader: NodeId | null = null;
  /** The replica rebuilds a lost log and its durable mark is still to be cleared once it has caught up. */
  private rebuilding: boolean;

  constructor(private readonly options: RaftGroupOptions) {
    this.raftGroupId = options.raftGroupId;
    this.node = new RaftNode({
      id: options.nodeId,
      storage: options.storage,
      random: new SeededRandom(options.seed),
      electionTimeoutTicks: options.electionTimeoutTicks,
      heartbeatTicks: 1,
      asyncStorageWrites: true,
      eagerCommitBroadcast: options.eagerCommitBroadcast,
      applied: asRaftIndex(options.applied),
      rebuildingAfterTerm: options.rebuildingAfterTerm,
    });
    this.term = options.storage.savedHardState.term;
    this.rebuilding = options.rebuildingAfterTerm !== undefined;
  }

  /** Storage failed: the group is inert until the broker restarts (see RaftHost). */
  get failed(): boolean {
    return this.failedFlag;
  }

  get currentTerm(): number {
    return this.term;
  }

  /** Leader only: appends one normal entry (see RaftNode.propose); driven on the next turn with every other proposal. */
  propose(data: Uint8Array, prefix?: Uint8Array): ProposeResult {
    const proposed = this.node.propose(data, prefix);
    if (proposed.ok) this.schedule();
    return proposed;
  }

  /** Leader only: a single-server membership change (see RaftNode.proposeConfChange). */
  proposeConfChange(change: ConfChange): ProposeResult {
    const proposed = this.node.proposeConfChange(change);
    if (proposed.ok) this.schedule();
    return proposed;
  }

  /** Leader only: hands leadership to voter `to` (see RaftNode.transferLeadership); whether a transfer is under way. */
  transferLeadership(to: NodeId): boolean {
    const started = this.node.transferLeadership(to);
    if (started) this.schedule();
    return started;
  }

  /** Stands for election now (through PreVote), as on an election timeout. */
  campaign(): void {
    this.node.campaign();
    this.schedule();
  }

  status(): RaftStatus {
    return this.node.status();
  }

  /** The configuration in effect (status().config, for callers on the produce path). */
  get config(): ConfigState {
    return this.node.config;
  }

  /** A message from another member (RaftHost). */
  step(message: Message): void {
    this.node.step(message);
  }

  reportUnreachable(peer: NodeId): void {
    this.node.reportUnreachable(peer);
  }

  /** Asks the host to drive this group on the next turn (coalescing many proposals into one Ready). */
  private schedule(): void {
    this.wake(); // a proposal or a host request: this group is busy
    this.options.host.schedule(this);
  }

  /** Storage loaded entries from disk that the core asked for: send them, then drive. */
  entriesLoaded(): void {
    if (this.stopped) return;
    this.node.entriesLoaded();
    this.schedule();
  }

  wake(): void {
    this.idleTicks = 0;
    this.quiet = 'no';
  }

  tick(): void {
    this.node.tick();
    this.idleTicks++;
  }

  /**
   * A leader quiesces once its log has been still for QUIESCE_AFTER_TICKS and every member has
   * all of it; a follower once it has been still as long and its leader's node is alive, and
   * only while it stays alive. Any activity (wake) ends it.
   */
  quiescent(liveness: NodeLiveness): boolean {
    if (this.quiet === 'leader') {
      // A quiet leader does not tick, so check-quorum cannot step it down: it stays quiet only
      // while a majority of its voters' nodes are heard from. Cut off, it wakes, ticks, and steps
      // down after an election timeout (else it named itself leader for ever: docs/chaos.md).
      const voters = this.node.config.voters;
      const heard = voters.filter((v) => v === this.options.nodeId || liveness.alive(v)).length;
      if (heard > voters.length / 2) return true;
      this.wake();
      return false;
    }
    if (this.quiet === 'follower') {
      if (this.quietLeader !== null && liveness.alive(this.quietLeader)) return true;
      this.quiet = 'no';
      return false;
    }
    if (this.idleTicks < QUIESCE_AFTER_TICKS || this.running) return false;
    const status = this.node.status();
    if (status.role === 'leader') {
      const caughtUp = status.commit === status.lastIndex && status.leadTransferee === null && status.progress.every((p) => p.match === status.lastIndex);
      if (caughtUp) this.quiet = 'leader';
    } else if (status.role === 'follower' && status.leader !== null && liveness.alive(status.leader)) {
      this.quiet = 'follower';
      this.quietLeader = status.leader;
    }
    return this.quiet !== 'no';
  }

  drive(): void {
    if (this.failedFlag || this.stopped) return;
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
    this.options.host.remove(this.raftGroupId);
    if (this.commitPersistTimer) clearTimeout(this.commitPersistTimer);
    await this.durableChain.catch(() => undefined);
    if (!this.failedFlag) await this.options.storage.saveHardState(this.options.storage.savedHardState).catch(() => undefined);
    this.options.storage.clearCache(); // its share of the broker's entry cache budget goes back
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
      this.fail(error as Error, 'raft group stopped: its storage failed');
    } finally {
      this.running = false;
    }
  }

  private async handle(ready: Ready): Promise<void> {
    const { storage, machine, host } = this.options;
    if (isActivity(ready)) this.wake();
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
    // The leader's appends go out before its own write (thesis §10.2.1): the followers' writes
    // overlap the leader's, and the leader counts itself only once its log is persisted (fsynced,
    // or only written under flush.policy=interval: PartitionLog.persist).
    host.send(this.raftGroupId, ready.unsyncedMessages);
    // Committed entries the log already holds are applied before this Ready's write, so that
    // their producers do not wait for it: a one-voter group's commit otherwise waited for the next
    // batch's append (docs/benchmarks.md, "One-voter Raft path versus the single-broker partition").
    const committed = ready.committedEntries;
    const inLog = countInLog(committed, ready.entries.length > 0 ? Math.min(ready.entries[0]!.index - 1, log.lastRaftIndex) : log.lastRaftIndex);
    if (inLog > 0) this.apply(inLog === committed.length ? committed : committed.slice(0, inLog));
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
    const writtenAtMs = ready.entries.length > 0 ? performance.now() : -1;
    if (ready.hardState) await this.saveHardState(ready);
    const seq = ready.seq;
    this.node.advance(ready);
    if (this.rebuilding) await this.noteRebuilt();
    if (inLog < committed.length) this.apply(inLog === 0 ? committed : committed.slice(inLog));

    const messages = ready.messages;
    if (ready.mustSync) {
      this.durableChain = this.durableChain
        .then(() => log.persist())
        .then(() => {
          if (this.stopped) return;
          if (writtenAtMs >= 0) host.timings.persist.observe((performance.now() - writtenAtMs) / 1000);
          this.node.onLocalDurable(seq);
          host.send(this.raftGroupId, messages);
          // With nothing new to write, driven now rather than at the end of the event-loop turn:
          // a leader whose own write completes a majority (always, with one voter) answers its
          // producers in the fsync's completion, as the single-broker partition did. Entries
          // proposed meanwhile wait for the end of the turn, so that the turn's proposals share
          // one write (driven now, they cost 18% more writes and fsyncs; docs/benchmarks.md).
          if (this.node.hasUnwrittenEntries()) host.schedule(this);
          else this.drive();
        });
      this.durableChain.catch((error: unknown) => {
        if (!this.failedFlag) this.fail(error as Error, 'raft group stopped: fsync failed');
      });
    } else if (messages.length > 0) {
      this.durableChain = this.durableChain.then(() => host.send(this.raftGroupId, messages));
    }
  }

  /** Clears the durable rebuilding mark once the node holds what it lost (RaftCore.noteRebuilt). */
  private async noteRebuilt(): Promise<void> {
    const status = this.node.status();
    if (status.rebuildingAfterTerm !== null) return;
    this.rebuilding = false;
    await this.options.storage.clearRebuilding();
    // At the level its start was logged at (set aside, marked): an operator sees both ends.
    this.options.logger.warn(
      { raftGroup: this.raftGroupId, commit: status.commit },
      `raft group ${this.raftGroupId}: the rebuilt replica has caught up with its peers (commit ${status.commit}, term ${status.term}) and votes again`,
    );
  }

  private apply(committed: readonly Entry[]): void {
    this.options.machine.onCommitted(committed);
    this.options.storage.appliedTo(committed[committed.length - 1]!.index);
  }

  private fail(error: Error, message: string): void {
    this.failedFlag = true;
    this.options.logger.fatal({ raftGroup: this.raftGroupId, err: error }, message);
    this.options.machine.onFailed(error);
    this.handOffLeadership();
  }

  /**
   * A leader whose storage failed tells its most caught-up voter to campaign at once (Raft's
   * TimeoutNow). Its followers would otherwise wait for ever: a quiet follower watches only the
   * leader's broker, which stays up, and one woken by the last append goes quiet again before
   * its election timeout. A failed node never answers a vote (its Readys are not processed).
   */
  private handOffLeadership(): void {
    const status = this.node.status();
    if (status.role !== 'leader') return;
    let best: ProgressStatus | undefined;
    for (const p of status.progress) {
      if (p.id !== status.id && !p.isLearner && (best === undefined || p.match > best.match)) best = p;
    }
    if (best === undefined) return;
    this.options.logger.warn({ raftGroup: this.raftGroupId, to: best.id }, `raft group ${this.raftGroupId}: handing leadership to node ${best.id} after the storage failure`);
    this.options.host.send(this.raftGroupId, [{ type: 'timeoutNow', term: status.term, from: status.id, to: best.id }]);
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

const isHeartbeat = (m: { type: string }): boolean => m.type === 'heartbeat' || m.type === 'heartbeatResponse';

/** A Ready that changes anything beyond heartbeats (which is what a quiet group exchanges). */
function isActivity(ready: Ready): boolean {
  return (
    ready.softState !== null ||
    ready.snapshot !== null ||
    ready.entries.length > 0 ||
    ready.committedEntries.length > 0 ||
    !ready.messages.every(isHeartbeat) ||
    !ready.unsyncedMessages.every(isHeartbeat)
  );
}

/** How many of `entries` (ascending) are at or below `lastIndex`. */
function countInLog(entries: readonly Entry[], lastIndex: number): number {
  let n = 0;
  while (n < entries.length && entries[n]!.index <= lastIndex) n++;
  return n;
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
