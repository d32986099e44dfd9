// A throwaway single Sluice broker for `bench suite` when no broker is reachable: a child
// process (`sluice broker`, never an import of broker code) on free loopback ports with a temp
// data dir, stopped (SIGTERM, then SIGKILL) and removed afterwards.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { BROKER_NODE_FLAGS } from '../../common/broker-node-flags';

export interface LocalBroker {
  readonly address: string;
  readonly dataDir: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** True when something accepts TCP connections at host:port within timeoutMs. */
export function reachable(address: string, timeoutMs = 1000): Promise<boolean> {
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean): void => { socket.destroy(); resolve(ok); };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

const httpOk = (url: string): Promise<boolean> =>
  new Promise((resolve) => {
    http.get(url, (res) => { res.resume(); resolve(res.statusCode === 200); }).on('error', () => resolve(false));
  });

export async function startLocalBroker(cliMain: string): Promise<LocalBroker> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-broker-'));
  const [grpcPort, httpPort] = [await freePort(), await freePort()];
  const logFd = fs.openSync(path.join(dataDir, 'broker.log'), 'a');
  const child: ChildProcess = spawn(process.execPath, [...BROKER_NODE_FLAGS, cliMain, 'broker', '--data-dir', path.join(dataDir, 'data'), '--grpc-port', String(grpcPort), '--http-port', String(httpPort)], {
    stdio: ['ignore', logFd, logFd],
  });
  let exited = false;
  child.once('exit', () => { exited = true; });
  const stop = async (): Promise<void> => {
    if (!exited) {
      child.kill('SIGTERM');
      for (let i = 0; i < 100 && !exited; i++) await new Promise((resolve) => setTimeout(resolve, 100));
      if (!exited) child.kill('SIGKILL');
    }
    fs.closeSync(logFd);
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  for (let i = 0; i < 150; i++) {
    if (exited) break;
    if (await httpOk(`http://127.0.0.1:${httpPort}/readyz`)) return { address: `127.0.0.1:${grpcPort}`, dataDir, stop };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const log = fs.readFileSync(path.join(dataDir, 'broker.log'), 'utf8').slice(-2000);
  await stop();
  throw new Error(`the local broker did not become ready within 30 s:\n${log}`);
}
