// The state of one Raft peer and its role transitions (thesis §3.3-§3.4). Message handling lives
// in step-*.ts, replication sends in replicate.ts; RaftNode (raft-node.ts) is the public face.
import { asRaftIndex, asTerm, type NodeId, type Term } from '../common/ids';
import { resolveOptions, type RaftOptions, type ResolvedRaftOptions } from './config';
import { LogView } from './log-view';
import { decodeConfigEntry, isMember, isVoter, quorumSize } from './membership';
import type { ConfigState, Entry, Message } from './messages';
import { Progress } from './progress';

export type Role = 'follower' | 'preCandidate' | 'candidate' | 'leader';

type Outgoing = Message extends infer M ? (M extends Message ? Omit<M, 'from' | 'term'> & { term?: Term } : never) : never;

/** A Ready handed to the host whose writes are not yet known to be durable. */
interface PendingWrite {
  readonly seq: number;
  /** Last log index written by that Ready (clamped if the log is later truncated below it), or -1. */
  lastIndex: number;
  /** The term this node voted for itself in, if that Ready persisted such a vote. */
  readonly selfVoteTerm: number | null;
}

export type VoteResult = 'won' | 'lost' | 'pending';

export class RaftCore {
  readonly id: NodeId;
  readonly opts: ResolvedRaftOptions;
  readonly log: LogView;
  term: number;
  vote: NodeId | null;
  /** The leader of `term` as far as we know. */
  lead: NodeId | null = null;
  role: Role = 'follower';
  /** The latest configuration in the log (thesis §4.1: used as soon as appended). */
  config: ConfigState;
  /** Index of the entry (or snapshot) that set `config`. */
  configIndex: number;
  /** Leader only: one entry per member (voters and learners, including itself when a member). */
  readonly progress = new Map<NodeId, Progress>();
  /** Candidate / pre-candidate: votes received in this election. */
  readonly votes = new Map<NodeId, boolean>();
  electionElapsed = 0;
  heartbeatElapsed = 0;
  randomizedElectionTimeout = 0;
  /** Leader only: the voter leadership is being handed to (thesis §3.10); proposals are refused meanwhile. */
  leadTransferee: NodeId | null = null;
  /** Leader only: index of the first entry of this leader's term (its empty entry). */
  termStartIndex = 0;
  /** Leader only: new entries or a new commit index wait to be broadcast when the Ready is built. */
  pendingBroadcast = false;
  /**
   * Highest index of this node's log known to be durable. A leader counts itself in a majority
   * only up to here (thesis §10.2.1). Invariant: durableIndex <= log.lastIndex().
   */
  durableIndex: number;
  readonly pendingWrites: PendingWrite[] = [];
  /**
   * The term at which this node lost its log, while it is being rebuilt (RaftOptions
   * .rebuildingAfterTerm); null once it holds a committed entry of a later term.
   */
  rebuildingAfterTerm: number | null;
  /** Messages to send only after this Ready's writes are durable. */
  msgs: Message[] = [];
  /** Leader messages that may be sent before its own writes are durable (thesis §10.2.1). */
  msgsUnsynced: Message[] = [];

  constructor(options: RaftOptions) {
    this.opts = resolveOptions(options);
    this.id = options.id;
    this.log = new LogView(options.storage, this.opts.maxApplyBytes);
    const init = options.storage.initialState();
    this.term = init.hardState.term;
    this.vote = init.hardState.vote;
    this.config = init.config;
    this.configIndex = init.configIndex;
    this.durableIndex = this.log.lastIndex();
    if (this.opts.applied !== undefined) {
      const applied = Math.min(Math.max(this.opts.applied, this.log.applied), this.log.committed);
      this.log.applied = this.log.applying = applied;
    }
    this.rebuildingAfterTerm = options.rebuildingAfterTerm ?? null;
    this.noteRebuilt();
    this.resetRandomizedElectionTimeout();
  }

  /** May campaign: a voter in its own latest configuration, and not rebuilding a lost log. */
  promotable(): boolean {
    return this.rebuildingAfterTerm === null && isVoter(this.config, this.id);
  }

  /**
   * Ends the rebuilding of a lost log once the commit index (learned from a leader) is at an
   * entry of a term above the one the log was lost in. That entry's leader was elected without
   * this node's lost log (it never voted since), so by Leader Completeness its log holds every
   * entry committed before the loss, and ours matches it up to that entry (docs/raft.md).
   */
  noteRebuilt(): void {
    if (this.rebuildingAfterTerm === null || this.log.committed === 0) return;
    const term = this.log.term(this.log.committed);
    if (term !== undefined && term > this.rebuildingAfterTerm) this.rebuildingAfterTerm = null;
  }

  quorum(): number {
    return quorumSize(this.config.voters.length);
  }

  send(m: Outgoing): void {
    const full = { ...m, from: this.id, term: asTerm(m.term ?? this.term) } as Message;
    const early = this.role === 'leader' && (full.type === 'append' || full.type === 'heartbeat' || full.type === 'snapshot');
    (early ? this.msgsUnsynced : this.msgs).push(full);
  }

  resetRandomizedElectionTimeout(): void {
    const t = this.opts.electionTimeoutTicks;
    this.randomizedElectionTimeout = t + this.opts.random.nextInt(t);
  }

  private reset(term: number): void {
    if (term !== this.term) {
      this.term = term;
      this.vote = null;
    }
    this.lead = null;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.resetRandomizedElectionTimeout();
    this.leadTransferee = null;
    this.votes.clear();
    this.progress.clear();
    this.pendingBroadcast = false;
  }

  becomeFollower(term: number, lead: NodeId | null): void {
    this.reset(term);
    this.lead = lead;
    this.role = 'follower';
  }

  /** Thesis §9.6: ask for votes at term+1 without changing our own term. */
  becomePreCandidate(): void {
    if (this.role === 'leader') throw new Error('invariant broken: a leader cannot become pre-candidate');
    this.votes.clear();
    this.lead = null;
    this.role = 'preCandidate';
  }

  becomeCandidate(): void {
    if (this.role === 'leader') throw new Error('invariant broken: a leader cannot become candidate');
    this.reset(this.term + 1);
    this.vote = this.id;
    this.role = 'candidate';
    // Our own vote counts only once it is durable (see onDurable): a vote that could be lost in a
    // crash must not help elect anyone, ourselves included.
  }

  becomeLeader(): void {
    if (this.role === 'follower') throw new Error('invariant broken: a follower cannot become leader without an election');
    this.reset(this.term);
    this.lead = this.id;
    this.role = 'leader';
    this.rebuildProgress();
    // Thesis §3.6.2 / §6.4: a new leader commits an entry of its own term to learn the commit index.
    const index = this.log.lastIndex() + 1;
    this.termStartIndex = index;
    this.appendEntries([{ term: asTerm(this.term), index: asRaftIndex(index), type: 'normal', data: new Uint8Array(0) }]);
    this.pendingBroadcast = true;
  }

  /** Leader: one progress per member; new ones start probing just past our log. */
  rebuildProgress(): void {
    const members = [...this.config.voters, ...this.config.learners];
    for (const id of [...this.progress.keys()]) if (!isMember(this.config, id)) this.progress.delete(id);
    for (const id of members) {
      let pr = this.progress.get(id);
      if (!pr) {
        pr = new Progress(id, this.log.lastIndex() + 1, false, this.opts.maxInflightMessages, this.opts.maxInflightBytes);
        if (id === this.id) {
          pr.match = this.durableIndex;
          pr.becomeReplicate();
        }
        this.progress.set(id, pr);
      }
      pr.isLearner = !isVoter(this.config, id);
      if (id === this.id) pr.recentActive = true;
    }
    if (this.leadTransferee !== null && !isVoter(this.config, this.leadTransferee)) this.leadTransferee = null;
  }

  /** Records a vote and tallies voters only (learners' votes do not count). */
  poll(from: NodeId, granted: boolean): VoteResult {
    if (!this.votes.has(from)) this.votes.set(from, granted);
    let yes = 0;
    let no = 0;
    for (const v of this.config.voters) {
      const g = this.votes.get(v);
      if (g === true) yes++;
      else if (g === false) no++;
    }
    const q = this.quorum();
    if (yes >= q) return 'won';
    if (this.config.voters.length - no < q) return 'lost';
    return 'pending';
  }

  /**
   * Appends to the log (leader proposals or follower replication) and keeps the configuration in
   * step: config entries take effect when appended, and truncating one reverts it (thesis §4.1).
   */
  appendEntries(ents: readonly Entry[]): void {
    if (ents.length === 0) return;
    const first = ents[0]!.index;
    const before = this.config;
    while (this.configIndex >= first) {
      const r = this.log.slice(this.configIndex, this.configIndex + 1, Number.MAX_SAFE_INTEGER);
      const e = r.entries?.[0];
      if (!e || e.type !== 'config') throw new Error(`invariant broken: no config entry at ${this.configIndex} to revert`);
      const p = decodeConfigEntry(e.data);
      this.config = p.previous;
      this.configIndex = p.previousIndex;
    }
    if (first <= this.durableIndex) this.durableIndex = first - 1;
    for (const w of this.pendingWrites) if (w.lastIndex >= first) w.lastIndex = first - 1;
    this.log.append(ents);
    for (const e of ents) {
      if (e.type === 'config') {
        this.config = decodeConfigEntry(e.data).config;
        this.configIndex = e.index;
      }
    }
    if (this.config !== before && this.role === 'leader') this.rebuildProgress();
  }

  /** The host made a Ready's writes durable. */
  trackWrite(seq: number, lastIndex: number, selfVoteTerm: number | null): void {
    this.pendingWrites.push({ seq, lastIndex, selfVoteTerm });
  }

  /** Returns the self-vote term that became durable, if any, and advances durableIndex. */
  markDurable(seq: number): number | null {
    let selfVote: number | null = null;
    while (this.pendingWrites.length > 0 && this.pendingWrites[0]!.seq <= seq) {
      const w = this.pendingWrites.shift()!;
      if (w.lastIndex > this.durableIndex) this.durableIndex = Math.min(w.lastIndex, this.log.lastIndex());
      if (w.selfVoteTerm !== null) selfVote = w.selfVoteTerm;
    }
    return selfVote;
  }
}
