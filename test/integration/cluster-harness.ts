// A real cluster of broker processes on loopback for tests: a cluster file with free ports, one
// data dir per broker, and helpers that find leaders and retry through elections.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rawClient, type Rpc } from '../broker/broker-fixture';
import { startBrokerProcess, type BrokerProcess } from './broker-process';
import { until } from '../until';

export interface ClusterHarness {
  readonly dir: string;
  readonly ids: number[];
  readonly processes: Map<number, BrokerProcess | undefined>;
  address(id: number): string;
  start(id: number): Promise<BrokerProcess>;
  /** Starts spare broker `id` (see startCluster) with a definition that lists it, joining the running cluster. */
  join(id: number): Promise<BrokerProcess>;
  kill(id: number, signal?: NodeJS.Signals): Promise<void>;
  /** Calls `service.method` on broker `id`, failing after `timeoutMs` (default 10 s: a paused broker never answers). */
  call(id: number, service: 'sluice.v1.Data' | 'sluice.v1.Admin' | 'sluice.v1.Groups', method: string, request: object, timeoutMs?: number): Promise<any>;
  /** Retries `attempt` on any live broker until it returns a value (elections, forwarding). */
  retry<T>(what: string, attempt: (id: number) => Promise<T | undefined>, maxWaitMs?: number): Promise<T>;
  /** The leader of a partition as the live brokers report it. */
  leaderOf(topic: string, partition: number): Promise<number>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/**
 * `count` distinct free ports. The kernel may hand out a port again once the probe that got it
 * closed, so a cluster's ports are probed until none repeats (a broker 4 once got broker 3's
 * HTTP port and the cluster file was refused).
 */
async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Where each broker runs, when not on loopback: its own address (same ports for all), and the
 * command that starts it there (test/chaos/netns/ puts each broker in a network namespace).
 */
export interface BrokerPlacement {
  host(id: number): string;
  readonly grpcPort: number;
  readonly httpPort: number;
  wrapper(id: number): readonly string[];
}

/**
 * Starts brokers 1..size from one definition. `spares` more ids (size+1, …) get ports and a
 * second definition listing every broker, for `join` (brokers added to the running cluster).
 * Without `placement` every broker listens on 127.0.0.1 with free ports. `env` is added to every
 * broker's environment. `wrapper` runs broker `id` through a command that execs it in place, after
 * the placement's (e.g. `env LD_PRELOAD=…` for libfaketime, test/chaos/netns/clock.ts).
 */
export async function startCluster(
  size = 3,
  /** `brokerArgs`: more arguments for every broker (e.g. `--config` with settings a test needs). */
  options: { spares?: number; placement?: BrokerPlacement; env?: Readonly<Record<string, string>>; brokerArgs?: readonly string[]; wrapper?: (id: number) => readonly string[] } = {},
): Promise<ClusterHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-cluster-'));
  const ids = Array.from({ length: size + (options.spares ?? 0) }, (_, i) => i + 1);
  const brokers: { id: number; host: string; grpcPort: number; httpPort: number; rack: string }[] = [];
  const placement = options.placement;
  const ports = placement ? [] : await distinctFreePorts(2 * ids.length);
  for (const [i, id] of ids.entries()) {
    const rack = String.fromCharCode(96 + id);
    if (placement) brokers.push({ id, host: placement.host(id), grpcPort: placement.grpcPort, httpPort: placement.httpPort, rack });
    else brokers.push({ id, host: '127.0.0.1', grpcPort: ports[2 * i]!, httpPort: ports[2 * i + 1]!, rack });
  }
  const file = join(dir, 'cluster.json');
  writeFileSync(file, JSON.stringify({ clusterId: 'test', brokers: brokers.slice(0, size) }));
  const fullFile = join(dir, 'cluster-with-spares.json');
  writeFileSync(fullFile, JSON.stringify({ clusterId: 'test', brokers }));
  const processes = new Map<number, BrokerProcess | undefined>();
  const address = (id: number): string => `${brokers[id - 1]!.host}:${brokers[id - 1]!.grpcPort}`;
  const wrapper = (id: number): readonly string[] => [...(placement?.wrapper(id) ?? []), ...(options.wrapper?.(id) ?? [])];
  const clients = new Map<string, Rpc>();
  const closers: (() => void)[] = [];
  const rpc = (id: number, service: 'sluice.v1.Data' | 'sluice.v1.Admin' | 'sluice.v1.Groups'): Rpc => {
    const key = `${id}/${service}`;
    let call = clients.get(key);
    if (!call) {
      const made = rawClient(address(id), service);
      closers.push(() => made.client.close());
      call = made.call;
      clients.set(key, call);
    }
    return call;
  };
  const harness: ClusterHarness = {
    dir,
    ids,
    processes,
    address,
    start: async (id) => {
      const definition = id > size ? fullFile : file;
      const process = await startBrokerProcess(join(dir, `node-${id}`), ['--cluster', definition, '--node-id', String(id), ...(options.brokerArgs ?? [])], { ports: 'fixed', wrapper: wrapper(id), ...(options.env ? { env: options.env } : {}) });
      processes.set(id, process);
      return process;
    },
    join: async (id) => {
      const process = await startBrokerProcess(join(dir, `node-${id}`), ['--cluster', fullFile, '--node-id', String(id), '--join', ...(options.brokerArgs ?? [])], { ports: 'fixed', wrapper: wrapper(id), ...(options.env ? { env: options.env } : {}) });
      processes.set(id, process);
      return process;
    },
    kill: async (id, signal = 'SIGKILL') => {
      await processes.get(id)?.kill(signal);
      processes.set(id, undefined);
    },
    call: (id, service, method, request, timeoutMs = 10_000) => rpc(id, service)(method, request, timeoutMs),
    retry: async (what, attempt, maxWaitMs = 30_000) => {
      let lastError: unknown;
      const anyBroker = async () => {
        for (const id of ids) {
          if (!processes.get(id)) continue;
          try {
            const value = await attempt(id);
            if (value !== undefined) return value;
          } catch (error) {
            lastError = error;
          }
        }
        return undefined;
      };
      return until(anyBroker, what, { maxWaitMs, intervalMs: 100 }).catch((error: Error) => {
        throw new Error(`${error.message}: ${(lastError as Error)?.message ?? 'no answer'}`);
      });
    },
    leaderOf: (topic, partition) =>
      harness.retry(`a leader of ${topic}/${partition}`, async (id) => {
        const described = await harness.call(id, 'sluice.v1.Admin', 'describeTopics', { names: [topic] });
        const leader = described.topics[0]?.partitions.find((p: any) => p.partition === partition)?.leaderId;
        return leader && processes.get(leader) ? leader : undefined;
      }),
    close: async () => {
      for (const close of closers) close();
      for (const id of ids) await processes.get(id)?.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  for (const id of ids.slice(0, size)) await harness.start(id);
  return harness;
}

/** Creates a topic through whichever broker answers, once the cluster can (metadata leader elected). */
export async function createTopic(cluster: ClusterHarness, name: string, partitions: number, replicationFactor: number, configs: Readonly<Record<string, string>> = {}): Promise<void> {
  await cluster.retry(`topic ${name} to be created`, async (id) => {
    const created = await cluster.call(id, 'sluice.v1.Admin', 'createTopics', { topics: [{ name, partitions, replicationFactor, configs }] });
    const code = created.topics[0].errorCode;
    if (code === 0 || code === 14 /* TOPIC_ALREADY_EXISTS */) return true;
    return undefined;
  });
}
