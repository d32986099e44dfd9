// The public face of one Raft peer: a deterministic state machine driven by tick(), step(),
// propose*() and transferLeadership(), whose output is collected with ready() and acknowledged
// with advance() (and onLocalDurable() for group-committed hosts). No I/O, timers or clocks.
import { asRaftIndex, asTerm, type NodeId } from '../common/ids';
import type { RaftOptions } from './config';
import { applyConfChange, encodeConfigEntry, isVoter, type ConfChange } from './membership';
import type { ConfigState, Entry, HardState, Message } from './messages';
import { RaftCore } from './raft-core';
import type { ProposeResult, RaftStatus, Ready, SoftState } from './ready';
import { broadcastAppend, commitAdvanced, leaderDurableAdvanced, sendAppend } from './replicate';
import { announceEmptyLog, campaign } from './campaign';
import { step } from './step';
import { becomeLeaderAndAnnounce } from './step-candidate';
import { sendTimeoutNow, tickLeader } from './step-leader';

export class RaftNode {
  private readonly core: RaftCore;
  private prevHardState: HardState;
  private prevSoftState: SoftState;
  private readySeq = 0;
  /** The Ready handed out and not yet advanced (at most one at a time). */
  private outstanding: Ready | null = null;

  constructor(options: RaftOptions) {
    this.core = new RaftCore(options);
    this.prevHardState = options.storage.initialState().hardState;
    this.prevSoftState = { leader: null, role: 'follower' };
  }

  get id(): NodeId {
    return this.core.id;
  }

  /** Advances logical time by one tick: election timeouts (thesis §3.4), heartbeats, CheckQuorum. */
  tick(): void {
    const core = this.core;
    if (core.role === 'leader') {
      tickLeader(core);
      return;
    }
    core.electionElapsed++;
    if (core.electionElapsed < core.randomizedElectionTimeout) return;
    if (core.promotable()) {
      core.electionElapsed = 0;
      campaign(core, core.opts.preVote ? 'preElection' : 'election');
    } else if (core.rebuildingAfterTerm !== null && core.lead === null) {
      core.electionElapsed = 0;
      announceEmptyLog(core);
    }
  }

  /** Handles one message from a peer. Messages for other nodes are a host bug and throw. */
  step(message: Message): void {
    step(this.core, message);
  }

  /** Starts an election now (as on election timeout), through PreVote when enabled. */
  campaign(): void {
    if (this.core.role !== 'leader') campaign(this.core, this.core.opts.preVote ? 'preElection' : 'election');
  }

  /** Appends one normal entry whose payload is `prefix` (if any) then `data`. See proposeBatch. */
  propose(data: Uint8Array, prefix?: Uint8Array): ProposeResult {
    return this.appendProposals([prefix === undefined ? { data } : { data, prefix }]);
  }

  /**
   * Leader only: appends one normal entry per element, in order. Entries are broadcast when the
   * next Ready is built, so many proposals between two Readys travel in one message per follower.
   */
  proposeBatch(data: readonly Uint8Array[]): ProposeResult {
    return this.appendProposals(data.map((d) => ({ data: d })));
  }

  private appendProposals(payloads: readonly Pick<Entry, 'data' | 'prefix'>[]): ProposeResult {
    const refused = this.refuseProposal();
    if (refused) return refused;
    const core = this.core;
    const term = asTerm(core.term);
    const first = core.log.lastIndex() + 1;
    const ents: Entry[] = new Array<Entry>(payloads.length);
    for (let i = 0; i < payloads.length; i++) ents[i] = { term, index: asRaftIndex(first + i), type: 'normal', ...payloads[i]! };
    core.appendEntries(ents);
    core.pendingBroadcast = true;
    return { ok: true, index: asRaftIndex(first), lastIndex: asRaftIndex(first + payloads.length - 1), term };
  }

  /**
   * Leader only: appends a single-server membership change (thesis §4.1). Refused while another
   * change is uncommitted, or before the leader has committed an entry of its own term (the
   * fix to single-server changes described in §4.1 and the 2015 raft-dev post).
   */
  proposeConfChange(change: ConfChange): ProposeResult {
    const refused = this.refuseProposal();
    if (refused) return refused;
    const core = this.core;
    if (core.configIndex > core.log.committed || core.termStartIndex > core.log.committed) {
      return { ok: false, reason: 'confChangeInProgress', leader: core.id, message: 'a membership change or the leader\'s first entry is not yet committed: retry after it commits' };
    }
    const next = applyConfChange(core.config, change);
    if (typeof next === 'string') return { ok: false, reason: 'invalidConfChange', leader: core.id, message: next };
    const otherOfTwo = core.config.voters.length === 2 && change.node !== core.id && isVoter(core.config, change.node);
    if (otherOfTwo && (change.type === 'remove' || change.type === 'demote')) {
      // The one voter left would commit the change alone; the voter that leaves must hold it
      // (docs/raft.md, "Two voters").
      return {
        ok: false,
        reason: 'invalidConfChange',
        leader: core.id,
        message: `node ${change.node} is one of two voters: only the leader leaves a two-voter configuration (hand leadership to node ${change.node} and let it ${change.type} itself)`,
      };
    }
    const term = asTerm(core.term);
    const index = asRaftIndex(core.log.lastIndex() + 1);
    const data = encodeConfigEntry({ change, config: next, previous: core.config, previousIndex: asRaftIndex(core.configIndex) });
    core.appendEntries([{ term, index, type: 'config', data }]);
    core.pendingBroadcast = true;
    commitAdvanced(core); // the majority may have changed
    return { ok: true, index, lastIndex: index, term };
  }

  private refuseProposal(): ProposeResult | null {
    const core = this.core;
    if (core.role !== 'leader') return { ok: false, reason: 'notLeader', leader: core.lead, message: `node ${core.id} is not the leader` };
    if (core.leadTransferee !== null) {
      return { ok: false, reason: 'transferInProgress', leader: core.id, message: `leadership is being transferred to node ${core.leadTransferee}` };
    }
    return null;
  }

  /**
   * Leader only: hands leadership to voter `to` (thesis §3.10): bring its log up to date, then
   * send TimeoutNow. Proposals are refused until the transfer completes or an election timeout passes.
   */
  transferLeadership(to: NodeId): boolean {
    const core = this.core;
    if (core.role !== 'leader' || to === core.id || !isVoter(core.config, to)) return false;
    if (core.leadTransferee === to) return true;
    core.leadTransferee = to;
    core.electionElapsed = 0;
    const pr = core.progress.get(to)!;
    if (pr.match === core.log.lastIndex()) sendTimeoutNow(core, to);
    else sendAppend(core, to);
    return true;
  }

  /** The host could not deliver a snapshot to `to`: probe again after the next heartbeat response. */
  reportSnapshotFailed(to: NodeId): void {
    const pr = this.core.progress.get(to);
    if (this.core.role === 'leader' && pr && pr.state === 'snapshot') {
      pr.becomeProbe();
      pr.probeSent = true;
    }
  }

  /**
   * Storage has loaded entries it could not serve synchronously (`RaftStorage.entries` answered
   * undefined): a leader sends them now to the followers that lack them, instead of on their next
   * response or tick. Waiting for the tick, a follower behind the cache got one message (1 MiB)
   * per tick, ~10 MB/s.
   */
  entriesLoaded(): void {
    const core = this.core;
    if (core.role !== 'leader') return;
    for (const pr of core.progress.values()) {
      if (pr.id === core.id || pr.match >= core.log.lastIndex()) continue;
      while (sendAppend(core, pr.id, false)) {
        /* until paused, caught up, or the next range is being loaded */
      }
    }
  }

  /** The transport lost contact with `to`: stop pipelining to it and probe. */
  reportUnreachable(to: NodeId): void {
    const pr = this.core.progress.get(to);
    if (this.core.role === 'leader' && pr && pr.state === 'replicate') pr.becomeProbe();
  }

  /** Whether proposed or received entries wait to be handed to the host in a Ready (to be written). */
  hasUnwrittenEntries(): boolean {
    return this.core.log.unstable.hasNextEntries();
  }

  hasReady(): boolean {
    const core = this.core;
    this.flushBroadcast();
    return (
      core.msgs.length > 0 ||
      core.msgsUnsynced.length > 0 ||
      core.log.unstable.hasNextEntries() ||
      core.log.unstable.nextSnapshot() !== null ||
      core.log.hasNextCommittedEntries() ||
      !sameHardState(this.hardState(), this.prevHardState) ||
      core.role !== this.prevSoftState.role ||
      core.lead !== this.prevSoftState.leader
    );
  }

  /** Collects the work to do (see Ready). Call advance(ready) before asking for the next one. */
  ready(): Ready {
    if (this.outstanding) throw new Error(`ready() called before advance() of Ready ${this.outstanding.seq}`);
    const core = this.core;
    const log = core.log;
    this.flushBroadcast();
    const hs = this.hardState();
    const hardState = sameHardState(hs, this.prevHardState) ? null : hs;
    const soft: SoftState = { leader: core.lead, role: core.role };
    const softState = soft.role === this.prevSoftState.role && soft.leader === this.prevSoftState.leader ? null : soft;
    const snapshot = log.unstable.nextSnapshot();
    const entries = log.unstable.nextEntries();
    const committedEntries = snapshot ? [] : log.nextCommittedEntries();
    const rd: Ready = {
      seq: ++this.readySeq,
      softState,
      hardState,
      snapshot,
      entries,
      committedEntries,
      messages: core.msgs,
      unsyncedMessages: core.msgsUnsynced,
      mustSync: entries.length > 0 || snapshot !== null || (hardState !== null && (hardState.term !== this.prevHardState.term || hardState.vote !== this.prevHardState.vote)),
    };
    core.msgs = [];
    core.msgsUnsynced = [];
    log.unstable.acceptInProgress();
    if (committedEntries.length > 0) log.applying = committedEntries[committedEntries.length - 1]!.index;
    if (snapshot) log.applying = Math.max(log.applying, snapshot.meta.index);
    if (hardState) this.prevHardState = hardState;
    if (softState) this.prevSoftState = softState;
    const lastWritten = entries.length > 0 ? entries[entries.length - 1]!.index : snapshot ? snapshot.meta.index : -1;
    const selfVote = hardState !== null && hardState.vote === core.id ? hardState.term : null;
    core.trackWrite(rd.seq, lastWritten, selfVote);
    this.outstanding = rd;
    return rd;
  }

  /** The host has done what `ready` asked (see Ready). Without asyncStorageWrites this also means durable. */
  advance(ready: Ready): void {
    if (this.outstanding !== ready) throw new Error(`advance() of Ready ${ready.seq}, but the outstanding one is ${this.outstanding?.seq ?? 'none'}`);
    this.outstanding = null;
    const log = this.core.log;
    if (ready.snapshot) {
      log.unstable.stableSnapTo(ready.snapshot.meta.index);
      log.applied = Math.max(log.applied, ready.snapshot.meta.index);
    }
    if (ready.entries.length > 0) {
      const last = ready.entries[ready.entries.length - 1]!;
      log.unstable.stableTo(last.index, last.term);
    }
    if (ready.committedEntries.length > 0) log.applied = ready.committedEntries[ready.committedEntries.length - 1]!.index;
    if (!this.core.opts.asyncStorageWrites) this.onLocalDurable(ready.seq);
  }

  /**
   * The writes of every Ready with seq <= readySeq are durable (the host's group commit fsynced
   * them). A leader now counts its own log up to there toward a majority (thesis §10.2.1); a
   * candidate now counts its own, durable, vote.
   */
  onLocalDurable(readySeq: number): void {
    const core = this.core;
    const selfVoteTerm = core.markDurable(readySeq);
    if (selfVoteTerm !== null && selfVoteTerm === core.term && core.role === 'candidate') {
      if (core.poll(core.id, true) === 'won') becomeLeaderAndAnnounce(core);
    }
    if (core.role === 'leader') leaderDurableAdvanced(core);
  }

  /** The configuration in effect (what status().config says, without building the status). */
  get config(): ConfigState {
    return this.core.config;
  }

  status(): RaftStatus {
    const core = this.core;
    const log = core.log;
    const progress = core.role !== 'leader' ? [] : [...core.progress.values()].map((p) => ({
      id: p.id, state: p.state, match: asRaftIndex(p.match), next: asRaftIndex(p.next), isLearner: p.isLearner,
    }));
    return {
      id: core.id, role: core.role, term: asTerm(core.term), vote: core.vote, leader: core.lead,
      commit: asRaftIndex(log.committed), applied: asRaftIndex(log.applied),
      firstIndex: asRaftIndex(log.firstIndex()), lastIndex: asRaftIndex(log.lastIndex()),
      durableIndex: asRaftIndex(core.durableIndex), config: core.config, configIndex: asRaftIndex(core.configIndex),
      leadTransferee: core.leadTransferee, rebuildingAfterTerm: core.rebuildingAfterTerm, progress,
    };
  }

  /** Flow-control details of each follower, one line each (leader only), for tests and debugging. */
  describeProgress(): string[] {
    return this.core.role === 'leader' ? [...this.core.progress.values()].map((p) => p.describe()) : [];
  }

  private flushBroadcast(): void {
    const core = this.core;
    if (core.role === 'leader' && core.pendingBroadcast) {
      core.pendingBroadcast = false;
      broadcastAppend(core);
    }
  }

  private hardState(): HardState {
    const c = this.core;
    return { term: asTerm(c.term), vote: c.vote, commit: asRaftIndex(c.log.committed) };
  }
}

const sameHardState = (a: HardState, b: HardState): boolean => a.term === b.term && a.vote === b.vote && a.commit === b.commit;
