// The commands of the metadata log, as a readonly union tagged by `type`. Everything that is not
// a pure function of the state and the command (timestamps, the proposer's choices) travels
// inside the command, so every broker that applies it reaches the same state.
//
// Wire form: UTF-8 JSON `{"v":1,"command":{...}}`. decodeCommand checks every field's type, so
// applyCommand can trust the shape (it still validates the values).
import { ErrorCode, SluiceError } from '../common/errors';

export interface RegisterBroker {
  readonly type: 'RegisterBroker';
  readonly id: number;
  readonly host: string;
  readonly port: number;
  readonly httpPort: number;
  readonly rack: string | null;
  readonly nowMs: number;
}

export interface CreateTopic {
  readonly type: 'CreateTopic';
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  /** Only the keys the user set; the rest come from the cluster's topic defaults. */
  readonly config: Readonly<Record<string, string>>;
  readonly internal: boolean;
  readonly nowMs: number;
  /**
   * The new topic's id (src/common/topic-id.ts), chosen by the proposer. Absent in commands
   * written before topics had ids: such a topic's id is derived from its name and nowMs.
   */
  readonly topicId?: string;
  /** The proposer's limit of partition replicas per broker (replica-budget.ts); absent: none. */
  readonly maxReplicasPerBroker?: number;
}

export interface DeleteTopic {
  readonly type: 'DeleteTopic';
  readonly name: string;
}

export interface AlterTopicConfig {
  readonly type: 'AlterTopicConfig';
  readonly name: string;
  readonly set: Readonly<Record<string, string>>;
  /** Keys reset to the cluster's defaults. */
  readonly delete: readonly string[];
}

export interface CreatePartitions {
  readonly type: 'CreatePartitions';
  readonly name: string;
  /** The new partition count; larger than the current one. */
  readonly totalCount: number;
  /** As CreateTopic.maxReplicasPerBroker. */
  readonly maxReplicasPerBroker?: number;
}

export interface ReassignPartition {
  readonly type: 'ReassignPartition';
  readonly name: string;
  readonly partition: number;
  /** The new replica list, preferred leader first. */
  readonly replicas: readonly number[];
}

/** A partition leader reports that its Raft group's voters equal `replicas`: retiring replicas may go. */
export interface CompleteReassignment {
  readonly type: 'CompleteReassignment';
  readonly name: string;
  readonly partition: number;
  /** The creation time of the topic the report is about (told incarnations apart before topic ids). */
  readonly createdAtMs: number;
  readonly replicas: readonly number[];
  /** The id of the topic the report is about; absent in reports written before topic ids. */
  readonly topicId?: string;
}

/**
 * draining=true: marks the broker draining and moves every replica it holds to other brokers (in
 * this one command, so the moves are decided from one state); draining=false clears the flag.
 */
export interface DrainBroker {
  readonly type: 'DrainBroker';
  readonly id: number;
  readonly draining: boolean;
}

export type MetadataCommand =
  | RegisterBroker | CreateTopic | DeleteTopic | AlterTopicConfig | CreatePartitions | ReassignPartition | CompleteReassignment | DrainBroker;

export const COMMAND_FORMAT_VERSION = 1;

export function encodeCommand(command: MetadataCommand): Uint8Array {
  return Buffer.from(JSON.stringify({ v: COMMAND_FORMAT_VERSION, command }), 'utf8');
}

type FieldKind = 'string' | 'optionalString' | 'integer' | 'optionalInteger' | 'boolean' | 'stringMap' | 'stringList' | 'integerList' | 'rack';

const FIELDS: Record<MetadataCommand['type'], Record<string, FieldKind>> = {
  RegisterBroker: { id: 'integer', host: 'string', port: 'integer', httpPort: 'integer', rack: 'rack', nowMs: 'integer' },
  CreateTopic: { name: 'string', partitions: 'integer', replicationFactor: 'integer', config: 'stringMap', internal: 'boolean', nowMs: 'integer', topicId: 'optionalString', maxReplicasPerBroker: 'optionalInteger' },
  DeleteTopic: { name: 'string' },
  AlterTopicConfig: { name: 'string', set: 'stringMap', delete: 'stringList' },
  CreatePartitions: { name: 'string', totalCount: 'integer', maxReplicasPerBroker: 'optionalInteger' },
  ReassignPartition: { name: 'string', partition: 'integer', replicas: 'integerList' },
  CompleteReassignment: { name: 'string', partition: 'integer', createdAtMs: 'integer', replicas: 'integerList', topicId: 'optionalString' },
  DrainBroker: { id: 'integer', draining: 'boolean' },
};

function hasKind(value: unknown, kind: FieldKind): boolean {
  switch (kind) {
    case 'string': return typeof value === 'string';
    case 'optionalString': return value === undefined || typeof value === 'string';
    case 'integer': return Number.isSafeInteger(value);
    case 'optionalInteger': return value === undefined || Number.isSafeInteger(value);
    case 'boolean': return typeof value === 'boolean';
    case 'rack': return value === null || typeof value === 'string';
    case 'stringList': return Array.isArray(value) && value.every((v) => typeof v === 'string');
    case 'integerList': return Array.isArray(value) && value.every((v) => Number.isSafeInteger(v));
    case 'stringMap':
      return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
  }
}

/**
 * Parses bytes written by encodeCommand. Throws SluiceError(INVALID_REQUEST) naming what is
 * wrong: not JSON, an unknown format version or command type, a missing or mistyped field.
 */
export function decodeCommand(bytes: Uint8Array): MetadataCommand {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch (error) {
    throw invalid(`metadata command is not JSON: ${(error as Error).message}`);
  }
  const envelope = parsed as { v?: unknown; command?: unknown };
  if (typeof envelope !== 'object' || envelope === null) throw invalid('metadata command is not a JSON object');
  if (envelope.v !== COMMAND_FORMAT_VERSION) throw invalid(`metadata command format version ${String(envelope.v)} is not supported: this broker reads version ${COMMAND_FORMAT_VERSION}`);
  const command = envelope.command as Record<string, unknown> | undefined;
  if (typeof command !== 'object' || command === null) throw invalid('metadata command has no "command" object');
  const type = command.type;
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(FIELDS, type)) {
    throw invalid(`unknown metadata command type '${String(type)}': known types are ${Object.keys(FIELDS).join(', ')}`);
  }
  const fields = FIELDS[type as MetadataCommand['type']];
  const out: Record<string, unknown> = { type };
  for (const [field, kind] of Object.entries(fields)) {
    const value = command[field];
    if (!hasKind(value, kind)) throw invalid(`${type}.${field} is ${value === undefined ? 'missing' : `invalid (${JSON.stringify(value)})`}: expected ${kind === 'optionalInteger' ? 'an integer or nothing' : kind === 'optionalString' ? 'a string or nothing' : kind}`);
    if (value !== undefined) out[field] = value;
  }
  return out as unknown as MetadataCommand;
}

const invalid = (message: string): SluiceError => new SluiceError(ErrorCode.INVALID_REQUEST, message, { retriable: false });
