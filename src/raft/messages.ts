// The data that flows in and out of the Raft core: log entries, persistent state, snapshots and
// messages. Everything is a readonly value tagged by `type`; the core never mutates what it
// receives and the host never needs to copy what it is given.
import type { NodeId, RaftIndex, Term } from '../common/ids';

/**
 * The kind of a log entry. 'normal' entries carry the host's opaque payload (for a partition,
 * a record batch); 'config' entries carry an encoded membership change (see membership.ts).
 */
export type EntryType = 'normal' | 'config';

/** One Raft log entry. `data` is owned by whoever created it and is never mutated afterwards. */
export interface Entry {
  readonly term: Term;
  readonly index: RaftIndex;
  readonly type: EntryType;
  readonly data: Uint8Array;
  /**
   * Bytes that come before `data` in the entry's payload (the payload is prefix then data), kept
   * apart by the host so that a small header need not be copied in front of a large body. The
   * core never reads the payload; it counts its size (entryBytes).
   */
  readonly prefix?: Uint8Array;
}

/**
 * The state that must be durable before this node may send any message that depends on it
 * (thesis §3.8, Figure 3.1 "Persistent state on all servers"). `commit` is persisted lazily:
 * losing it is safe (it is re-learned), keeping it avoids re-applying on restart.
 */
export interface HardState {
  readonly term: Term;
  /** The candidate voted for in `term`, or null. */
  readonly vote: NodeId | null;
  readonly commit: RaftIndex;
}

/** Cluster membership: voters count in majorities, learners only receive the log (thesis §4.2.1). */
export interface ConfigState {
  /** Sorted ascending, no duplicates; disjoint from `learners`. */
  readonly voters: readonly NodeId[];
  /** Sorted ascending, no duplicates. */
  readonly learners: readonly NodeId[];
}

/** Describes the state a snapshot captures: everything up to and including `index`. */
export interface SnapshotMeta {
  readonly index: RaftIndex;
  readonly term: Term;
  /** The configuration in effect at `index` (the last config entry at or below it). */
  readonly config: ConfigState;
}

/**
 * An opaque state-machine image (thesis §5.1). For a partition this is its log start offset and
 * a little state; for the metadata group it is the serialized state machine.
 */
export interface Snapshot {
  readonly meta: SnapshotMeta;
  readonly data: Uint8Array;
}

interface MessageHeader {
  /** The sender's current term (for vote requests of a pre-vote: the term it would campaign at). */
  readonly term: Term;
  readonly from: NodeId;
  readonly to: NodeId;
}

/** AppendEntries RPC (thesis §3.5). Entries follow (prevIndex, prevTerm) contiguously. */
export interface AppendMessage extends MessageHeader {
  readonly type: 'append';
  readonly prevIndex: RaftIndex;
  readonly prevTerm: Term;
  readonly entries: readonly Entry[];
  readonly commit: RaftIndex;
}

/**
 * Reply to 'append' and 'snapshot'. On success `index` is the last index known to match the
 * leader. On rejection `index` echoes the rejected prevIndex and (hintIndex, hintTerm) give the
 * follower's last entry whose term is <= the leader's prevTerm, so the leader can skip a whole
 * conflicting term per round trip (thesis §3.5, "fast back-off").
 */
export interface AppendResponseMessage extends MessageHeader {
  readonly type: 'appendResponse';
  readonly reject: boolean;
  readonly index: RaftIndex;
  readonly hintIndex: RaftIndex;
  readonly hintTerm: Term;
}

/** An empty AppendEntries that carries only the commit index; idle groups' heartbeats coalesce. */
export interface HeartbeatMessage extends MessageHeader {
  readonly type: 'heartbeat';
  /** min(follower's match index, leader's commit): never beyond what the follower holds. */
  readonly commit: RaftIndex;
}

export interface HeartbeatResponseMessage extends MessageHeader {
  readonly type: 'heartbeatResponse';
}

/** RequestVote RPC (thesis §3.4), or its PreVote variant (thesis §9.6) when `preVote`. */
export interface VoteRequestMessage extends MessageHeader {
  readonly type: 'voteRequest';
  readonly preVote: boolean;
  readonly lastLogIndex: RaftIndex;
  readonly lastLogTerm: Term;
  /** Set for an election started by TimeoutNow: receivers then ignore their leader lease. */
  readonly transfer: boolean;
  /**
   * The candidate's configuration is exactly two voters (it and the receiver) and no learners,
   * and is committed in its log: then its log holds every committed entry, and a receiver
   * rebuilding a lost log may vote for it (docs/raft.md, "Two voters").
   */
  readonly pairCommitted: boolean;
}

export interface VoteResponseMessage extends MessageHeader {
  readonly type: 'voteResponse';
  readonly preVote: boolean;
  readonly granted: boolean;
}

/** InstallSnapshot RPC (thesis §5.1), sent whole (chunking is the transport's business). */
export interface SnapshotMessage extends MessageHeader {
  readonly type: 'snapshot';
  readonly snapshot: Snapshot;
}

/** Leadership transfer: the receiver starts an election at once (thesis §3.10). */
export interface TimeoutNowMessage extends MessageHeader {
  readonly type: 'timeoutNow';
}

export type Message =
  | AppendMessage
  | AppendResponseMessage
  | HeartbeatMessage
  | HeartbeatResponseMessage
  | VoteRequestMessage
  | VoteResponseMessage
  | SnapshotMessage
  | TimeoutNowMessage;

export type MessageType = Message['type'];

/**
 * A message on the wire between two nodes, addressed to one Raft group (e.g. "orders/3" or
 * "__metadata"): the transport in src/replication carries these for every group a node hosts.
 */
export interface RaftEnvelope {
  readonly raftGroupId: string;
  readonly from: NodeId;
  readonly to: NodeId;
  readonly message: Message;
}

/** Fixed per-entry overhead counted on top of `data.byteLength` when bounding message sizes. */
export const ENTRY_OVERHEAD_BYTES = 24;

/** The entry's payload in one buffer: its data, or its prefix and data joined (a copy). */
export function entryPayload(entry: Entry): Uint8Array {
  const prefix = entry.prefix;
  if (prefix === undefined) return entry.data;
  const joined = new Uint8Array(prefix.byteLength + entry.data.byteLength);
  joined.set(prefix, 0);
  joined.set(entry.data, prefix.byteLength);
  return joined;
}

/** Bytes an entry contributes to size limits (in-flight window, message size, apply batches). */
export const entryBytes = (entry: Entry): number => (entry.prefix?.byteLength ?? 0) + entry.data.byteLength + ENTRY_OVERHEAD_BYTES;
