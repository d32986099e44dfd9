// What the core hands the host, and the order the host must act on it in (etcd's Ready).
import type { NodeId, RaftIndex, Term } from '../common/ids';
import type { ConfigState, Entry, HardState, Message, Snapshot } from './messages';
import type { Role } from './raft-core';

/** Volatile facts, for the host's information only (who leads). Not persisted. */
export interface SoftState {
  readonly leader: NodeId | null;
  readonly role: Role;
}

/**
 * A batch of work for the host. Contract, in order:
 *  1. Persist: if `snapshot`, install it (replace the log and state machine image); then if
 *     `entries` is non-empty, delete any stored entries at or after entries[0].index and append
 *     them (thesis §3.5); then write `hardState` if non-null. `unsyncedMessages` may be sent at
 *     any time, even before or during this step (leader appends, thesis §10.2.1).
 *  2. Make step 1 durable (fsync) whenever `mustSync`. Only then send `messages`: they include
 *     votes and acknowledgements that promise durability (thesis §3.8).
 *  3. Apply `committedEntries` in order (may overlap with 2: they are committed cluster-wide).
 *  4. Call advance(ready). With asyncStorageWrites, step 2 may happen later: call
 *     onLocalDurable(ready.seq) once it has, and send `messages` only then.
 * Arrays and entries are owned by the host after ready() returns; the core never mutates them.
 */
export interface Ready {
  /** Increases by one per Ready; names this Ready's writes in onLocalDurable. */
  readonly seq: number;
  /** Non-null when leader or role changed since the previous Ready. */
  readonly softState: SoftState | null;
  /** Non-null when term, vote or commit changed since the previous Ready. */
  readonly hardState: HardState | null;
  /** A snapshot received from the leader, to install before writing `entries`. */
  readonly snapshot: Snapshot | null;
  /** Entries to write to the log; entries[0].index may be <= the stored last index (truncate first). */
  readonly entries: readonly Entry[];
  /** Entries to apply to the state machine, in index order, all committed. */
  readonly committedEntries: readonly Entry[];
  /** Send after this Ready's writes are durable. */
  readonly messages: readonly Message[];
  /** Send at any time (the leader's appends, heartbeats and snapshots). */
  readonly unsyncedMessages: readonly Message[];
  /** True when the writes include entries, a snapshot, or a term/vote change and so need an fsync. */
  readonly mustSync: boolean;
}

export interface ProgressStatus {
  readonly id: NodeId;
  readonly state: 'probe' | 'replicate' | 'snapshot';
  readonly match: RaftIndex;
  readonly next: RaftIndex;
  readonly isLearner: boolean;
}

/** A read-only picture of a node, for tests, metrics and the host's routing. */
export interface RaftStatus {
  readonly id: NodeId;
  readonly role: Role;
  readonly term: Term;
  readonly vote: NodeId | null;
  readonly leader: NodeId | null;
  readonly commit: RaftIndex;
  readonly applied: RaftIndex;
  readonly firstIndex: RaftIndex;
  readonly lastIndex: RaftIndex;
  readonly durableIndex: RaftIndex;
  readonly config: ConfigState;
  readonly configIndex: RaftIndex;
  readonly leadTransferee: NodeId | null;
  /** The term this node lost its log at, while it rebuilds it (neither voting nor campaigning); else null. */
  readonly rebuildingAfterTerm: number | null;
  /** Leader only; empty otherwise. */
  readonly progress: readonly ProgressStatus[];
}

export type ProposeRejection = 'notLeader' | 'transferInProgress' | 'confChangeInProgress' | 'invalidConfChange';

/**
 * A proposal was appended at [index, lastIndex] in `term` (committed once an entry at lastIndex
 * with that term is applied), or refused with the reason and, when known, the leader to retry at.
 */
export type ProposeResult =
  | { readonly ok: true; readonly index: RaftIndex; readonly lastIndex: RaftIndex; readonly term: Term }
  | { readonly ok: false; readonly reason: ProposeRejection; readonly leader: NodeId | null; readonly message: string };
