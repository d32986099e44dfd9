// Restart times of `sluice broker` (README, "Restart after a crash"; docs/storage.md): fills one
// partition's active segment with about 124 MB of 1 KB single-record batches, then times starts
// from spawn to the first 200 of /readyz (polled every 10 ms): after a clean stop (SIGTERM),
// after kill -9, and of a broker with no data. Run from the repository root after a build:
//   node dist/scripts/bench-restart.js [--mb 124] [--repeats 3]
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SluiceClient } from '../src/client';

const GRPC_PORT = 19392;
const HTTP_PORT = 19644;
const RECORD_BYTES = 1000;

function argument(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} ${process.argv[at + 1]} is invalid: give a positive integer`);
  return value;
}

/** Brokers started and not yet seen to exit: killed if the run fails. */
const running = new Set<ChildProcess>();

function start(dataDir: string): ChildProcess {
  const broker = spawn('bin/sluice', ['broker', '--data-dir', dataDir, '--grpc-port', String(GRPC_PORT), '--http-port', String(HTTP_PORT), '--log-level', 'warn'], { stdio: ['ignore', 'ignore', 'inherit'] });
  running.add(broker);
  broker.once('exit', () => running.delete(broker));
  return broker;
}

const readyz = (): Promise<boolean> =>
  new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port: HTTP_PORT, path: '/readyz' }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.end();
  });

/** Starts a broker and resolves with the seconds from spawn to ready. */
async function timedStart(dataDir: string): Promise<{ broker: ChildProcess; seconds: number }> {
  if (await readyz()) throw new Error(`something already answers on 127.0.0.1:${HTTP_PORT}: stop it first`);
  const began = performance.now();
  const broker = start(dataDir);
  const deadline = Date.now() + 120_000;
  while (!(await readyz())) {
    if (Date.now() > deadline) throw new Error('the broker did not become ready within 120 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return { broker, seconds: (performance.now() - began) / 1000 };
}

function stop(broker: ChildProcess, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  return new Promise((resolve) => {
    broker.once('exit', () => resolve());
    broker.kill(signal);
  });
}

async function fill(megabytes: number): Promise<void> {
  const client = new SluiceClient({ brokers: [`127.0.0.1:${GRPC_PORT}`] });
  try {
    await client.admin().createTopics([{ name: 'fill', partitions: 1, configs: { 'segment.bytes': String(1024 * 1024 * 1024) } }]);
    const producer = client.producer({ lingerMs: 0, batchMaxBytes: RECORD_BYTES + 100 });
    await producer.connect();
    const value = Buffer.alloc(RECORD_BYTES, 'x');
    const count = Math.ceil((megabytes * 1e6) / (RECORD_BYTES + 24));
    for (let i = 0; i < count; i++) producer.produce('fill', { value, partition: 0 }, () => undefined);
    await producer.flush();
  } finally {
    await client.close();
  }
}

async function series(label: string, dataDir: string, repeats: number, after: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  const seconds: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const { broker, seconds: s } = await timedStart(dataDir);
    seconds.push(s);
    await stop(broker, after);
  }
  process.stdout.write(`${label}: ${seconds.map((s) => s.toFixed(2)).join(', ')} s (min–max ${Math.min(...seconds).toFixed(2)}–${Math.max(...seconds).toFixed(2)})\n`);
}

async function main(): Promise<void> {
  const megabytes = argument('--mb', 124);
  const repeats = argument('--repeats', 3);
  const empty = mkdtempSync(join(tmpdir(), 'sluice-restart-empty-'));
  const full = mkdtempSync(join(tmpdir(), 'sluice-restart-full-'));
  try {
    const first = await timedStart(empty);
    await stop(first.broker, 'SIGTERM');
    await series('no data, after a clean stop', empty, repeats, 'SIGTERM');

    const filling = await timedStart(full);
    await fill(megabytes);
    await stop(filling.broker, 'SIGTERM');
    await series(`${megabytes} MB active segment, after a clean stop`, full, repeats, 'SIGTERM');
    const crashing = await timedStart(full);
    await stop(crashing.broker, 'SIGKILL');
    await series(`${megabytes} MB active segment, after kill -9`, full, repeats, 'SIGKILL');
  } finally {
    for (const broker of running) broker.kill('SIGKILL');
    rmSync(empty, { recursive: true, force: true });
    rmSync(full, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench-restart failed: ${(error as Error).message}\n`);
  process.exit(1);
});
