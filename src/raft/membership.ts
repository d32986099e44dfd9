// Single-server membership changes (thesis §4.1-§4.3): one voter or learner at a time, so any
// two successive configurations share a majority. A configuration takes effect as soon as its
// entry is appended to a log, committed or not; a truncated config entry reverts it, which is
// why each config entry also carries the configuration it replaced.
import { asNodeId, asRaftIndex, type NodeId, type RaftIndex } from '../common/ids';
import type { ConfigState } from './messages';

/**
 * addLearner: a new non-voting member that catches up before promotion (thesis §4.2.1).
 * promote: learner → voter. demote: voter → learner. remove: voter or learner leaves.
 */
export type ConfChangeType = 'addLearner' | 'promote' | 'demote' | 'remove';

export interface ConfChange {
  readonly type: ConfChangeType;
  readonly node: NodeId;
}

/** What a config entry's data decodes to. */
export interface ConfigEntryPayload {
  readonly change: ConfChange;
  /** The configuration after the change. */
  readonly config: ConfigState;
  /** The configuration before the change, and the index of the entry (or snapshot) that set it. */
  readonly previous: ConfigState;
  readonly previousIndex: RaftIndex;
}

export const EMPTY_CONFIG: ConfigState = Object.freeze({ voters: [], learners: [] });

export function makeConfig(voters: readonly number[], learners: readonly number[] = []): ConfigState {
  const sortIds = (ids: readonly number[]): NodeId[] => [...new Set(ids)].sort((a, b) => a - b).map(asNodeId);
  return Object.freeze({ voters: Object.freeze(sortIds(voters)), learners: Object.freeze(sortIds(learners)) });
}

export const isVoter = (config: ConfigState, id: NodeId): boolean => config.voters.includes(id);
export const isLearner = (config: ConfigState, id: NodeId): boolean => config.learners.includes(id);
export const isMember = (config: ConfigState, id: NodeId): boolean => isVoter(config, id) || isLearner(config, id);

/** Votes (or matching replicas) needed among `voterCount` voters: a strict majority. */
export const quorumSize = (voterCount: number): number => Math.floor(voterCount / 2) + 1;

/**
 * Applies one change, or explains why it is invalid. Never leaves zero voters: the last voter
 * can be neither demoted nor removed.
 */
export function applyConfChange(config: ConfigState, change: ConfChange): ConfigState | string {
  const id = change.node;
  const without = (ids: readonly NodeId[]): NodeId[] => ids.filter((x) => x !== id);
  switch (change.type) {
    case 'addLearner':
      if (isMember(config, id)) return `node ${id} is already a member: add only a node that is neither voter nor learner`;
      return makeConfig(config.voters, [...config.learners, id]);
    case 'promote':
      if (!isLearner(config, id)) return `node ${id} is not a learner: only a learner can be promoted to voter`;
      return makeConfig([...config.voters, id], without(config.learners));
    case 'demote':
      if (!isVoter(config, id)) return `node ${id} is not a voter: only a voter can be demoted`;
      if (config.voters.length === 1) return `node ${id} is the last voter: a group needs at least one voter`;
      return makeConfig(without(config.voters), [...config.learners, id]);
    case 'remove':
      if (!isMember(config, id)) return `node ${id} is not a member: only a voter or learner can be removed`;
      if (isVoter(config, id) && config.voters.length === 1) return `node ${id} is the last voter: a group needs at least one voter`;
      return makeConfig(without(config.voters), without(config.learners));
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Config entries are small and rare: JSON keeps them readable in dumps of the log. */
export function encodeConfigEntry(payload: ConfigEntryPayload): Uint8Array {
  return encoder.encode(JSON.stringify(payload));
}

export function decodeConfigEntry(data: Uint8Array): ConfigEntryPayload {
  const raw = JSON.parse(decoder.decode(data)) as {
    change: { type: ConfChangeType; node: number };
    config: { voters: number[]; learners: number[] };
    previous: { voters: number[]; learners: number[] };
    previousIndex: number;
  };
  return {
    change: { type: raw.change.type, node: asNodeId(raw.change.node) },
    config: makeConfig(raw.config.voters, raw.config.learners),
    previous: makeConfig(raw.previous.voters, raw.previous.learners),
    previousIndex: asRaftIndex(raw.previousIndex),
  };
}

export const formatConfig = (config: ConfigState): string =>
  `voters=(${config.voters.join(',')})` + (config.learners.length > 0 ? ` learners=(${config.learners.join(',')})` : '');
