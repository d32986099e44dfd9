// Snapshots of the metadata state: UTF-8 JSON `{"v":1,"version":…,"brokers":[…],"topics":[…]}`,
// brokers sorted by id and topics by name, so equal states encode to equal bytes.
import { ErrorCode, SluiceError } from '../common/errors';
import type { BrokerInfo, MetadataState, TopicState } from './metadata-state';
import { DEFAULT_TOPIC_CONFIG } from './topic-config';

export const STATE_FORMAT_VERSION = 1;

export function encodeState(state: MetadataState): Uint8Array {
  const brokers = [...state.brokers.values()].sort((a, b) => a.id - b.id);
  const topics = [...state.topics.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return Buffer.from(JSON.stringify({ v: STATE_FORMAT_VERSION, version: state.version, brokers, topics }), 'utf8');
}

/** Parses bytes written by encodeState. Throws SluiceError(INVALID_REQUEST) on anything else. */
export function decodeState(bytes: Uint8Array): MetadataState {
  let parsed: { v?: unknown; version?: unknown; brokers?: unknown; topics?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch (error) {
    throw invalid(`metadata snapshot is not JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null) throw invalid('metadata snapshot is not a JSON object');
  if (parsed.v !== STATE_FORMAT_VERSION) throw invalid(`metadata snapshot format version ${String(parsed.v)} is not supported: this broker reads version ${STATE_FORMAT_VERSION}`);
  if (!Number.isSafeInteger(parsed.version) || (parsed.version as number) < 0) throw invalid('metadata snapshot has no valid "version"');
  if (!Array.isArray(parsed.brokers) || !Array.isArray(parsed.topics)) throw invalid('metadata snapshot needs "brokers" and "topics" arrays');
  const brokers = new Map<number, BrokerInfo>();
  for (const b of parsed.brokers as BrokerInfo[]) {
    if (!Number.isSafeInteger(b?.id) || typeof b.host !== 'string' || !Number.isSafeInteger(b.port) || !Number.isSafeInteger(b.httpPort)) {
      throw invalid(`metadata snapshot has a malformed broker: ${JSON.stringify(b)}`);
    }
    brokers.set(b.id, {
      id: b.id, host: b.host, port: b.port, httpPort: b.httpPort, rack: typeof b.rack === 'string' ? b.rack : null,
      registeredAtMs: Number(b.registeredAtMs) || 0, draining: b.draining === true,
    });
  }
  const topics = new Map<string, TopicState>();
  for (const t of parsed.topics as TopicState[]) {
    const wellFormed = typeof t?.name === 'string' && Array.isArray(t.partitions) &&
      t.partitions.every((p) => Array.isArray(p?.replicas) && p.replicas.length > 0 && p.replicas.every((id: unknown) => Number.isSafeInteger(id)));
    if (!wellFormed) throw invalid(`metadata snapshot has a malformed topic: ${JSON.stringify(t)?.slice(0, 200)}`);
    topics.set(t.name, {
      name: t.name,
      internal: t.internal === true,
      // Snapshots from before reassignment existed have neither `retiring` nor `reassigned`.
      partitions: t.partitions.map((p) => ({
        replicas: [...p.replicas],
        retiring: Array.isArray(p.retiring) ? p.retiring.filter((id: unknown) => Number.isSafeInteger(id)) : [],
        reassigned: p.reassigned === true,
      })),
      replicationFactor: Number.isSafeInteger(t.replicationFactor) ? t.replicationFactor : t.partitions[0]?.replicas.length ?? 1,
      // Keys added in later versions take their defaults.
      config: { ...DEFAULT_TOPIC_CONFIG, ...t.config },
      createdAtMs: Number(t.createdAtMs) || 0,
    });
  }
  return { version: parsed.version as number, brokers, topics };
}

const invalid = (message: string): SluiceError => new SluiceError(ErrorCode.INVALID_REQUEST, message, { retriable: false });
