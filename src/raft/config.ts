// Construction options of a Raft node, with defaults (etcd's: a tick is the host's clock unit,
// typically 100 ms; election timeout 10 ticks, heartbeat every tick).
import type { NodeId, RaftIndex } from '../common/ids';
import type { RandomSource } from './random';
import type { RaftStorage } from './storage';

export interface RaftOptions {
  readonly id: NodeId;
  /** The durable log as of now; the core only reads it (see storage.ts). */
  readonly storage: RaftStorage;
  /** Draws randomized election timeouts (thesis §3.4); seed it for reproducible runs. */
  readonly random: RandomSource;
  /** Followers start an election after a random timeout in [electionTimeoutTicks, 2*electionTimeoutTicks). Default 10. */
  readonly electionTimeoutTicks?: number;
  /** The leader sends heartbeats every heartbeatTicks; must be < electionTimeoutTicks. Default 1. */
  readonly heartbeatTicks?: number;
  /** Run a PreVote round before incrementing the term (thesis §9.6). Default true. */
  readonly preVote?: boolean;
  /**
   * A leader that has not heard from a majority within an election timeout steps down, and a
   * follower that heard from a leader within one ignores vote requests (leader lease, thesis §6.2, §4.2.3). Default true.
   */
  readonly checkQuorum?: boolean;
  /** At most this many append messages in flight to one follower while pipelining. Default 256. */
  readonly maxInflightMessages?: number;
  /** At most this many entry bytes in flight to one follower; 0 = no byte bound. Default 16 MiB. */
  readonly maxInflightBytes?: number;
  /** Entry bytes per append message (at least one entry is always sent). Default 1 MiB. */
  readonly maxMessageBytes?: number;
  /**
   * true: once the commit index advances the leader sends it to every follower at once (an empty
   * append when no entries are new). false: it travels with the next append or heartbeat, which
   * halves the messages of a busy group whose followers do not serve committed state to anyone
   * (each commit otherwise costs an append and an answer per follower). Default true.
   */
  readonly eagerCommitBroadcast?: boolean;
  /** Entry bytes of committed entries per Ready (at least one). Default 64 MiB. */
  readonly maxApplyBytes?: number;
  /**
   * false: advance(ready) tells the core that everything in the Ready is durable (the host
   * fsynced before advancing). true: the host fsyncs on its own schedule (group commit) and calls
   * onLocalDurable(ready.seq) when a Ready's writes are durable. Default false.
   */
  readonly asyncStorageWrites?: boolean;
  /** The host's applied index on restart (committed entries up to it are not handed out again). */
  readonly applied?: RaftIndex;
  /**
   * This node lost its log (a damaged replica rebuilt from its peers) while at this term, and
   * starts again with an empty log at a later term. Until it holds a committed entry of a term
   * above it, it neither votes nor campaigns: an emptied log that voted could elect a leader
   * missing entries its lost log had helped commit (docs/raft.md, "Rebuilding a lost log").
   */
  readonly rebuildingAfterTerm?: number;
}

export interface ResolvedRaftOptions extends Required<Omit<RaftOptions, 'applied' | 'rebuildingAfterTerm'>> {
  readonly applied: RaftIndex | undefined;
}

export function resolveOptions(options: RaftOptions): ResolvedRaftOptions {
  const electionTimeoutTicks = options.electionTimeoutTicks ?? 10;
  const heartbeatTicks = options.heartbeatTicks ?? 1;
  if (heartbeatTicks < 1 || electionTimeoutTicks <= heartbeatTicks) {
    throw new Error(`raft options: need 1 <= heartbeatTicks (${heartbeatTicks}) < electionTimeoutTicks (${electionTimeoutTicks})`);
  }
  const maxInflightMessages = options.maxInflightMessages ?? 256;
  if (maxInflightMessages < 1) throw new Error(`raft options: maxInflightMessages must be >= 1, got ${maxInflightMessages}`);
  return {
    id: options.id,
    storage: options.storage,
    random: options.random,
    electionTimeoutTicks,
    heartbeatTicks,
    preVote: options.preVote ?? true,
    checkQuorum: options.checkQuorum ?? true,
    maxInflightMessages,
    maxInflightBytes: options.maxInflightBytes ?? 16 * 1024 * 1024,
    maxMessageBytes: options.maxMessageBytes ?? 1024 * 1024,
    eagerCommitBroadcast: options.eagerCommitBroadcast ?? true,
    maxApplyBytes: options.maxApplyBytes ?? 64 * 1024 * 1024,
    asyncStorageWrites: options.asyncStorageWrites ?? false,
    applied: options.applied,
  };
}
