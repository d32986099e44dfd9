// What the fuzzer attacks: one broker or a 3-broker cluster, always real processes on loopback
// (so that their memory and descriptors can be read from /proc, and they can be killed), with
// the restarts the run ends with.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBrokerProcess, type BrokerProcess } from '../integration/broker-process';
import { startCluster, type ClusterHarness } from '../integration/cluster-harness';

export type TargetKind = 'single' | 'cluster';

export interface FuzzTarget {
  readonly kind: TargetKind;
  readonly clusterId: string;
  readonly brokerIds: readonly number[];
  /** gRPC addresses of the running brokers. */
  grpcAddresses(): string[];
  /** HTTP ports of the running brokers. */
  httpPorts(): number[];
  pids(): number[];
  /** Brokers that exited since they were started (by themselves: not through restart()). */
  exited(): { id: number; how: string; outputTail: string }[];
  /** Stops every broker with `signal`, then starts each again on its data dir. Rejects if one does not start. */
  restart(signal: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  close(): Promise<void>;
}

const OUTPUT_TAIL_CHARS = 4000;
/** A restarted broker that is not ready by then is a failed restart (and is killed). */
const READY_TIMEOUT_MS = 60_000;

function exitOf(process: BrokerProcess): string | undefined {
  const { exitCode, signalCode } = process.child;
  if (exitCode === null && signalCode === null) return undefined;
  return signalCode ? `killed by ${signalCode}` : `exited with code ${exitCode}`;
}

function tail(text: string): string {
  return text.length > OUTPUT_TAIL_CHARS ? text.slice(-OUTPUT_TAIL_CHARS) : text;
}

export async function startSingleTarget(): Promise<FuzzTarget> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-fuzz-'));
  let broker = await startBrokerProcess(dataDir);
  return {
    kind: 'single',
    clusterId: 'sluice',
    brokerIds: [1],
    grpcAddresses: () => [broker.address],
    httpPorts: () => [broker.httpPort],
    pids: () => (broker.child.pid === undefined ? [] : [broker.child.pid]),
    exited: () => {
      const how = exitOf(broker);
      return how ? [{ id: 1, how, outputTail: tail(broker.output()) }] : [];
    },
    restart: async (signal) => {
      await broker.kill(signal);
      broker = await startBrokerProcess(dataDir, [], { readyTimeoutMs: READY_TIMEOUT_MS });
    },
    close: async () => {
      await broker.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function startClusterTarget(): Promise<FuzzTarget> {
  const cluster: ClusterHarness = await startCluster(3);
  const running = (): [number, BrokerProcess][] => [...cluster.processes].filter((e): e is [number, BrokerProcess] => e[1] !== undefined);
  return {
    kind: 'cluster',
    clusterId: 'test',
    brokerIds: cluster.ids,
    grpcAddresses: () => running().map(([id]) => cluster.address(id)),
    httpPorts: () => running().map(([, p]) => p.httpPort),
    pids: () => running().flatMap(([, p]) => (p.child.pid === undefined ? [] : [p.child.pid])),
    exited: () =>
      running().flatMap(([id, p]) => {
        const how = exitOf(p);
        return how ? [{ id, how, outputTail: tail(p.output()) }] : [];
      }),
    restart: async (signal) => {
      for (const id of cluster.ids) await cluster.kill(id, signal);
      // All at once: a broker waits for a quorum of the others to serve. Started as the
      // harness's start(id) does, with a deadline to be ready.
      const started = await Promise.allSettled(
        cluster.ids.map(async (id) => {
          const process = await startBrokerProcess(join(cluster.dir, `node-${id}`), ['--cluster', join(cluster.dir, 'cluster.json'), '--node-id', String(id)], { ports: 'fixed', readyTimeoutMs: READY_TIMEOUT_MS });
          cluster.processes.set(id, process);
        }),
      );
      const failed = started.flatMap((s, i) => (s.status === 'rejected' ? [`broker ${cluster.ids[i]}: ${(s.reason as Error).message.slice(-2000)}`] : []));
      if (failed.length > 0) throw new Error(failed.join('\n'));
    },
    close: () => cluster.close(),
  };
}
