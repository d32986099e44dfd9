// The Raft consensus core: a pure, deterministic state machine (see docs/raft.md).
export type { RaftOptions } from './config';
export { RaftNode } from './raft-node';
export type { Ready, SoftState, RaftStatus, ProgressStatus, ProposeResult, ProposeRejection } from './ready';
export type { Role } from './raft-core';
export type {
  Entry, EntryType, HardState, ConfigState, Snapshot, SnapshotMeta, Message, MessageType,
  AppendMessage, AppendResponseMessage, HeartbeatMessage, HeartbeatResponseMessage,
  VoteRequestMessage, VoteResponseMessage, SnapshotMessage, TimeoutNowMessage, RaftEnvelope,
} from './messages';
export { entryBytes, entryPayload, ENTRY_OVERHEAD_BYTES } from './messages';
export type { ConfChange, ConfChangeType, ConfigEntryPayload } from './membership';
export { applyConfChange, decodeConfigEntry, encodeConfigEntry, makeConfig, isVoter, isLearner, isMember, quorumSize, EMPTY_CONFIG } from './membership';
export type { RaftStorage, InitialState } from './storage';
export { MemoryRaftStorage } from './memory-storage';
export type { RandomSource } from './random';
export { SeededRandom } from './random';
