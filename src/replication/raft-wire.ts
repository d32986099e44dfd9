// Converts the Raft core's messages to and from the transport's protobuf shape
// (proto/sluice/raft/v1/transport.proto). Entry data is passed through as the same buffer.
import { ErrorCode, SluiceError } from '../common/errors';
import { asNodeId, asRaftIndex, asTerm } from '../common/ids';
import { entryPayload, type ConfigState, type Entry, type Message } from '../raft';
import type { RaftEnvelope } from '../raft';

interface WireEntry {
  term: number;
  index: number;
  config: boolean;
  data: Uint8Array;
}

interface WireConfig {
  voters: number[];
  learners: number[];
}

/** The decoded protobuf object of a RaftMessage (camelCase, one `kind` field set). */
export interface WireMessage {
  term: number;
  from: number;
  to: number;
  append?: { prevIndex: number; prevTerm: number; entries: WireEntry[]; commit: number };
  appendResponse?: { reject: boolean; index: number; hintIndex: number; hintTerm: number };
  heartbeat?: { commit: number };
  heartbeatResponse?: object;
  voteRequest?: { preVote: boolean; lastLogIndex: number; lastLogTerm: number; transfer: boolean; pairCommitted: boolean };
  voteResponse?: { preVote: boolean; granted: boolean };
  snapshot?: { snapshot: { index: number; term: number; config: WireConfig; data: Uint8Array } };
  timeoutNow?: object;
}

export interface WireEnvelope {
  raftGroupId: string;
  message: WireMessage;
}

const toWireEntry = (e: Entry): WireEntry => ({ term: e.term, index: e.index, config: e.type === 'config', data: entryPayload(e) });
const fromWireEntry = (e: WireEntry): Entry => ({ term: asTerm(e.term), index: asRaftIndex(e.index), type: e.config ? 'config' : 'normal', data: e.data ?? new Uint8Array(0) });
const toWireConfig = (c: ConfigState): WireConfig => ({ voters: [...c.voters], learners: [...c.learners] });
const fromWireConfig = (c: WireConfig | undefined): ConfigState => ({ voters: (c?.voters ?? []).map(asNodeId), learners: (c?.learners ?? []).map(asNodeId) });

export function toWire(envelope: RaftEnvelope): WireEnvelope {
  const m = envelope.message;
  const base: WireMessage = { term: m.term, from: m.from, to: m.to };
  switch (m.type) {
    case 'append':
      base.append = { prevIndex: m.prevIndex, prevTerm: m.prevTerm, entries: m.entries.map(toWireEntry), commit: m.commit };
      break;
    case 'appendResponse':
      base.appendResponse = { reject: m.reject, index: m.index, hintIndex: m.hintIndex, hintTerm: m.hintTerm };
      break;
    case 'heartbeat':
      base.heartbeat = { commit: m.commit };
      break;
    case 'heartbeatResponse':
      base.heartbeatResponse = {};
      break;
    case 'voteRequest':
      base.voteRequest = { preVote: m.preVote, lastLogIndex: m.lastLogIndex, lastLogTerm: m.lastLogTerm, transfer: m.transfer, pairCommitted: m.pairCommitted };
      break;
    case 'voteResponse':
      base.voteResponse = { preVote: m.preVote, granted: m.granted };
      break;
    case 'snapshot':
      base.snapshot = { snapshot: { index: m.snapshot.meta.index, term: m.snapshot.meta.term, config: toWireConfig(m.snapshot.meta.config), data: m.snapshot.data } };
      break;
    case 'timeoutNow':
      base.timeoutNow = {};
      break;
  }
  return { raftGroupId: envelope.raftGroupId, message: base };
}

/** Throws SluiceError(INVALID_REQUEST) for a message with no known kind. */
export function fromWire(envelope: WireEnvelope): RaftEnvelope {
  const w = envelope.message;
  const header = { term: asTerm(w.term), from: asNodeId(w.from), to: asNodeId(w.to) };
  let message: Message;
  if (w.append) {
    message = { ...header, type: 'append', prevIndex: asRaftIndex(w.append.prevIndex), prevTerm: asTerm(w.append.prevTerm), entries: (w.append.entries ?? []).map(fromWireEntry), commit: asRaftIndex(w.append.commit) };
  } else if (w.appendResponse) {
    const r = w.appendResponse;
    message = { ...header, type: 'appendResponse', reject: r.reject, index: asRaftIndex(r.index), hintIndex: asRaftIndex(r.hintIndex), hintTerm: asTerm(r.hintTerm) };
  } else if (w.heartbeat) {
    message = { ...header, type: 'heartbeat', commit: asRaftIndex(w.heartbeat.commit) };
  } else if (w.heartbeatResponse) {
    message = { ...header, type: 'heartbeatResponse' };
  } else if (w.voteRequest) {
    const v = w.voteRequest;
    message = { ...header, type: 'voteRequest', preVote: v.preVote, lastLogIndex: asRaftIndex(v.lastLogIndex), lastLogTerm: asTerm(v.lastLogTerm), transfer: v.transfer, pairCommitted: v.pairCommitted };
  } else if (w.voteResponse) {
    message = { ...header, type: 'voteResponse', preVote: w.voteResponse.preVote, granted: w.voteResponse.granted };
  } else if (w.snapshot) {
    const s = w.snapshot.snapshot;
    message = { ...header, type: 'snapshot', snapshot: { meta: { index: asRaftIndex(s.index), term: asTerm(s.term), config: fromWireConfig(s.config) }, data: s.data ?? new Uint8Array(0) } };
  } else if (w.timeoutNow) {
    message = { ...header, type: 'timeoutNow' };
  } else {
    throw new SluiceError(ErrorCode.INVALID_REQUEST, `raft message for group ${envelope.raftGroupId} from ${w.from} has no kind`);
  }
  return { raftGroupId: envelope.raftGroupId, from: header.from, to: header.to, message };
}
