// Cluster definitions (cluster/*.json): the brokers of a static cluster, their addresses and
// racks. Every broker of the cluster reads the same file; scripts/cluster.sh starts one process
// per entry. Format:
//   { "clusterId": "sluice-3",
//     "brokers": [ { "id": 1, "host": "127.0.0.1", "grpcPort": 19092, "httpPort": 19644, "rack": "a" }, … ] }
// `rack` is optional. Ids are integers >= 1; ids, gRPC ports and HTTP ports are unique per host.
import { readFileSync } from 'node:fs';
import { ErrorCode, SluiceError } from '../common/errors';
import { BROKER_HOST_RULE, BROKER_ID_RULE, isBrokerHost, isBrokerId, isRack, RACK_RULE } from './broker-identity';

export interface ClusterBroker {
  readonly id: number;
  readonly host: string;
  readonly grpcPort: number;
  readonly httpPort: number;
  readonly rack: string | null;
}

export interface ClusterDefinition {
  readonly clusterId: string;
  /** Sorted by id. */
  readonly brokers: readonly ClusterBroker[];
}

/** A cluster file that cannot be used; the message names the file and what to fix. */
export class ClusterFileError extends SluiceError {
  constructor(message: string) {
    super(ErrorCode.INVALID_CONFIG, message, { retriable: false });
    this.name = 'ClusterFileError';
  }
}

/** Reads and validates a cluster definition. Throws ClusterFileError. */
export function loadClusterFile(path: string): ClusterDefinition {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ClusterFileError(`cannot read cluster file ${path}: ${(error as Error).message}`);
  }
  return parseClusterDefinition(text, path);
}

/** Parses and validates the text of a cluster file; `source` names it in errors. */
export function parseClusterDefinition(text: string, source = 'cluster definition'): ClusterDefinition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ClusterFileError(`${source} is not valid JSON: ${(error as Error).message}`);
  }
  const problems: string[] = [];
  const root = parsed as { clusterId?: unknown; brokers?: unknown };
  if (typeof root !== 'object' || root === null || Array.isArray(root)) {
    throw new ClusterFileError(`${source} must be a JSON object with "clusterId" and "brokers"`);
  }
  if (typeof root.clusterId !== 'string' || !/^[a-zA-Z0-9._-]{1,64}$/.test(root.clusterId)) {
    problems.push(`"clusterId" ${root.clusterId === undefined ? 'is missing' : `${JSON.stringify(root.clusterId)} is invalid`}: use 1-64 characters from [a-zA-Z0-9._-]`);
  }
  const brokers: ClusterBroker[] = [];
  if (!Array.isArray(root.brokers) || root.brokers.length === 0) {
    problems.push('"brokers" must be a non-empty array of { id, host, grpcPort, httpPort, rack? }');
  } else {
    root.brokers.forEach((raw: unknown, i: number) => {
      const broker = parseBroker(raw, `brokers[${i}]`, problems);
      if (broker) brokers.push(broker);
    });
  }
  checkUnique(brokers, problems);
  if (problems.length > 0) throw new ClusterFileError(`${source} is invalid:\n  - ${problems.join('\n  - ')}`);
  return { clusterId: root.clusterId as string, brokers: brokers.sort((a, b) => a.id - b.id) };
}

/** The broker with `id`, or a ClusterFileError listing the ids the definition has. */
export function clusterBroker(definition: ClusterDefinition, id: number): ClusterBroker {
  const broker = definition.brokers.find((b) => b.id === id);
  if (!broker) throw new ClusterFileError(`broker ${id} is not in cluster '${definition.clusterId}': its brokers are ${definition.brokers.map((b) => b.id).join(', ')}`);
  return broker;
}

function parseBroker(raw: unknown, where: string, problems: string[]): ClusterBroker | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push(`${where} must be an object { id, host, grpcPort, httpPort, rack? }`);
    return undefined;
  }
  const b = raw as Record<string, unknown>;
  const before = problems.length;
  if (!isBrokerId(b.id)) problems.push(`${where}.id ${describe(b.id)}: ${BROKER_ID_RULE}`);
  if (typeof b.host !== 'string' || !isBrokerHost(b.host)) problems.push(`${where}.host ${describe(b.host)}: ${BROKER_HOST_RULE}`);
  for (const field of ['grpcPort', 'httpPort'] as const) {
    const port = b[field];
    if (!Number.isSafeInteger(port) || (port as number) < 1 || (port as number) > 65535) problems.push(`${where}.${field} ${describe(port)}: use an integer in 1..65535`);
  }
  if (b.rack !== undefined && b.rack !== null && (typeof b.rack !== 'string' || !isRack(b.rack))) problems.push(`${where}.rack ${describe(b.rack)}: ${RACK_RULE}, or leave it out`);
  const known = new Set(['id', 'host', 'grpcPort', 'httpPort', 'rack']);
  for (const key of Object.keys(b)) if (!known.has(key)) problems.push(`${where} has an unknown field "${key}": fields are ${[...known].join(', ')}`);
  if (problems.length > before) return undefined;
  return { id: b.id as number, host: b.host as string, grpcPort: b.grpcPort as number, httpPort: b.httpPort as number, rack: (b.rack as string | undefined) ?? null };
}

function checkUnique(brokers: readonly ClusterBroker[], problems: string[]): void {
  const ids = new Map<number, number>();
  const endpoints = new Map<string, string>();
  for (const b of brokers) {
    ids.set(b.id, (ids.get(b.id) ?? 0) + 1);
    for (const [kind, port] of [['grpcPort', b.grpcPort], ['httpPort', b.httpPort]] as const) {
      const key = `${b.host}:${port}`;
      const owner = endpoints.get(key);
      if (owner) problems.push(`broker ${b.id} ${kind} ${key} is already used by ${owner}: every port must be unique per host`);
      else endpoints.set(key, `broker ${b.id} ${kind}`);
    }
  }
  for (const [id, n] of ids) if (n > 1) problems.push(`broker id ${id} appears ${n} times: ids must be unique`);
}

const describe = (value: unknown): string => (value === undefined ? 'is missing' : `${JSON.stringify(value)} is invalid`);
