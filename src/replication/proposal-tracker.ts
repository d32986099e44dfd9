// What a Raft leader owes the callers of its proposals, for partitions and the metadata group
// alike. A proposal waits by its Raft index until its entry commits (or, if it asked, until the
// leader's log holds it); an entry of another term committed at its index means it was replaced
// and is certainly not stored. Retries of a batch (idempotent produce) wait on the proposal in
// flight and are answered with it, or wait for the commit point to pass a stored batch. Every
// waiter is answered: when the leader may lose track of its proposals (leadership lost, log
// truncated, closed, storage failed) with the owner's "outcome unknown" (docs/client.md,
// "Unknown outcomes"): another replica may still commit them.

/** One proposal in flight; the owner builds it (with its own fields), the tracker keeps its state. */
export interface TrackedProposal<O> {
  /** The leader's term when it proposed. */
  readonly term: number;
  /** Answered once the leader's log holds the entry (acks=leader), not at commit. */
  readonly answerWhenAppended: boolean;
  readonly resolve: (outcome: O) => void;
  /** Set by the tracker when the leader's log holds the entry. */
  appended: boolean;
  /** Retries of the same batch that arrived while it was in flight (set by the tracker). */
  duplicates: DuplicateWaiter<O>[] | undefined;
}

export interface DuplicateWaiter<O> {
  /** Answered once the entry is appended (acks=leader), else at commit. */
  readonly whenAppended: boolean;
  readonly resolve: (outcome: O) => void;
}

/** How the owner answers, in its own outcome type. */
export interface ProposalAnswers<P, O> {
  /** The proposal's entry is stored (appended or committed, as the waiter asked). */
  stored(proposal: P): O;
  /** Another entry committed at the proposal's index: it is certainly not stored. */
  replaced(proposal: P): O;
  /** The tracker lost sight of the proposal: it may still be committed by another replica. */
  unknown(reason: string): O;
  /** A retry's answer when its original is answered `outcome`. */
  forDuplicate(outcome: O): O;
}

/** A retry of a stored but uncommitted entry: answered `answer` once the commit index reaches `index`. */
interface CommitWaiter<O> {
  readonly index: number;
  readonly answer: O;
  readonly resolve: (outcome: O) => void;
}

export class ProposalTracker<P extends TrackedProposal<O>, O> {
  private readonly pending = new Map<number, P>();
  /** Sorted by index (they arrive with a growing log end, so inserts are at the back). */
  private commitWaiters: CommitWaiter<O>[] = [];

  constructor(private readonly answers: ProposalAnswers<P, O>) {}

  /** Proposals and commit waiters not answered yet. */
  get size(): number {
    return this.pending.size + this.commitWaiters.length;
  }

  /** Tracks a proposal the Raft core accepted at `index`. */
  track(index: number, proposal: P): void {
    this.pending.set(index, proposal);
  }

  /** The first proposal in flight that `matches` (to find the original of a retry; retries are rare). */
  find(matches: (proposal: P) => boolean): P | undefined {
    for (const proposal of this.pending.values()) if (matches(proposal)) return proposal;
    return undefined;
  }

  /** A retry of `proposal`, answered with it; at once when it asks only for the append and the log holds the entry already. */
  addDuplicate(proposal: P, whenAppended: boolean, resolve: (outcome: O) => void): void {
    if (whenAppended && proposal.appended) resolve(this.answers.forDuplicate(this.answers.stored(proposal)));
    else (proposal.duplicates ??= []).push({ whenAppended, resolve });
  }

  /**
   * A retry of a batch stored at or below `index` that is no proposal in flight here (a batch of
   * an earlier term): answered `answer` once the commit index reaches `index`.
   */
  waitForCommit(index: number, answer: O, resolve: (outcome: O) => void): void {
    let i = this.commitWaiters.length;
    while (i > 0 && this.commitWaiters[i - 1]!.index > index) i--;
    this.commitWaiters.splice(i, 0, { index, answer, resolve });
  }

  /** The entry at `index` (of `term`) is in the leader's log: answers those that asked for the append. */
  appended(index: number, term: number): void {
    const proposal = this.pending.get(index);
    if (proposal === undefined || proposal.term !== term) return;
    proposal.appended = true;
    const answerOriginal = proposal.answerWhenAppended;
    const duplicates = proposal.duplicates;
    if (!answerOriginal && duplicates === undefined) return;
    const stored = this.answers.stored(proposal);
    if (answerOriginal) proposal.resolve(stored);
    if (duplicates === undefined) return;
    const waiting = duplicates.filter((d) => !d.whenAppended);
    const answer = this.answers.forDuplicate(stored);
    for (const duplicate of duplicates) if (duplicate.whenAppended) duplicate.resolve(answer);
    proposal.duplicates = waiting.length > 0 ? waiting : undefined;
  }

  /**
   * The entry at `index` committed with `term`: answers its proposal (with `outcome`, what applying
   * it gave, else the owner's stored answer) and the retries waiting on it or on the commit point.
   * Returns the proposal when it is this leader's and committed.
   */
  committed(index: number, term: number, outcome?: O): P | undefined {
    if (this.commitWaiters.length > 0 && this.commitWaiters[0]!.index <= index) this.releaseUpTo(index);
    const proposal = this.pending.get(index);
    if (proposal === undefined) return undefined;
    this.pending.delete(index);
    if (proposal.term !== term) {
      this.settle(proposal, this.answers.replaced(proposal));
      return undefined;
    }
    // An acks=leader proposal was answered at its append: only retries may still wait on it.
    const answered = proposal.answerWhenAppended && proposal.appended;
    if (!answered || proposal.duplicates !== undefined) this.settle(proposal, outcome ?? this.answers.stored(proposal));
    return proposal;
  }

  /** Entries at and after `fromIndex` left the log: their proposals and the waiters on them fail (outcome unknown). */
  truncated(fromIndex: number, reason: string): void {
    if (this.size === 0) return;
    const outcome = this.answers.unknown(reason);
    this.settleFrom(fromIndex, outcome);
    const keep: CommitWaiter<O>[] = [];
    for (const waiter of this.commitWaiters) {
      if (waiter.index >= fromIndex) waiter.resolve(outcome);
      else keep.push(waiter);
    }
    this.commitWaiters = keep;
  }

  /**
   * Proposals after `lastIndex` never reached the log (a sole voter's failed write): they fail
   * with `outcome`, which the owner knows to be definite. Retries waiting on them get it too.
   */
  failAfter(lastIndex: number, outcome: O): void {
    this.settleFrom(lastIndex + 1, outcome);
  }

  /** Answers `outcome` to every proposal at or after `fromIndex` (and the retries waiting on them). */
  private settleFrom(fromIndex: number, outcome: O): void {
    for (const [index, proposal] of this.pending) {
      if (index < fromIndex) continue;
      this.pending.delete(index);
      this.settle(proposal, outcome);
    }
  }

  /** Leadership lost, closed, or storage failed: every waiter fails (outcome unknown). */
  failAll(reason: string): void {
    if (this.size === 0) return;
    const outcome = this.answers.unknown(reason);
    const pending = [...this.pending.values()];
    const waiters = this.commitWaiters;
    this.pending.clear();
    this.commitWaiters = [];
    for (const proposal of pending) this.settle(proposal, outcome);
    for (const waiter of waiters) waiter.resolve(outcome);
  }

  /** Answers a proposal (unless it was answered at its append) and every retry that waits on it. */
  private settle(proposal: P, outcome: O): void {
    if (!(proposal.answerWhenAppended && proposal.appended)) proposal.resolve(outcome);
    if (proposal.duplicates === undefined) return;
    const answer = this.answers.forDuplicate(outcome);
    for (const duplicate of proposal.duplicates) duplicate.resolve(answer);
  }

  private releaseUpTo(index: number): void {
    let released = 0;
    while (released < this.commitWaiters.length && this.commitWaiters[released]!.index <= index) {
      const waiter = this.commitWaiters[released]!;
      waiter.resolve(waiter.answer);
      released++;
    }
    this.commitWaiters = this.commitWaiters.slice(released);
  }
}
