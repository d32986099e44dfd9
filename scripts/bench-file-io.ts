// What a segment write or a read at the tail costs on the event loop (writevSync / readSync) against
// the libuv pool (fs.writev / fs.read), by size: the figures behind SYNC_WRITE_MAX_BYTES and
// SYNC_READ_MAX_BYTES in src/storage/file-io.ts. Wall time is what the caller waits; CPU is the
// whole process's (the pool thread included). Writes are fdatasynced every 8 outside the timing,
// as group commit would; reads come from the page cache, as a push at the tail of the log does.
// Prints figures and writes bench-results/file-io.json.
// Run: npx tsc -p tsconfig.json && node dist/scripts/bench-file-io.js
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

interface Figure {
  readonly operation: 'write' | 'read';
  readonly on: 'event loop' | 'pool';
  readonly bytes: number;
  readonly operations: number;
  readonly wallMicrosPerOp: number;
  readonly cpuMicrosPerOp: number;
}

const SIZES = [16 << 10, 64 << 10, 256 << 10, 1 << 20];
const FILE_BYTES = 64 << 20;

const cpuMicros = (): number => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

const poolWrite = (fd: number, buffer: Buffer, position: number): Promise<void> =>
  new Promise((resolve, reject) => fs.writev(fd, [buffer], position, (error) => (error ? reject(error) : resolve())));
const poolRead = (fd: number, buffer: Buffer, position: number): Promise<void> =>
  new Promise((resolve, reject) => fs.read(fd, buffer, 0, buffer.length, position, (error) => (error ? reject(error) : resolve())));

async function timed(operation: Figure['operation'], on: Figure['on'], bytes: number, each: (position: number) => void | Promise<void>, after?: (i: number) => void): Promise<Figure> {
  const operations = Math.max(200, Math.floor(FILE_BYTES / bytes));
  let wallMs = 0;
  let cpu = 0;
  for (let i = 0; i < operations; i++) {
    const cpuBefore = cpuMicros();
    const start = performance.now();
    await each((i * bytes) % FILE_BYTES);
    wallMs += performance.now() - start;
    cpu += cpuMicros() - cpuBefore;
    after?.(i);
  }
  return { operation, on, bytes, operations, wallMicrosPerOp: (wallMs * 1000) / operations, cpuMicrosPerOp: cpu / operations };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(join(tmpdir(), 'sluice-bench-file-io-'));
  const figures: Figure[] = [];
  try {
    for (const on of ['event loop', 'pool'] as const) {
      for (const bytes of SIZES) {
        const buffer = Buffer.alloc(bytes, 7);
        const fd = fs.openSync(join(dir, `write-${bytes}`), 'w');
        const syncEvery8 = (i: number): void => { if (i % 8 === 7) fs.fdatasyncSync(fd); };
        figures.push(await timed('write', on, bytes, on === 'event loop'
          ? (position) => { fs.writevSync(fd, [buffer], position); }
          : (position) => poolWrite(fd, buffer, position), syncEvery8));
        fs.closeSync(fd);
      }
    }
    const readPath = join(dir, 'read');
    fs.writeFileSync(readPath, Buffer.alloc(FILE_BYTES, 3));
    const fd = fs.openSync(readPath, 'r');
    for (const on of ['event loop', 'pool'] as const) {
      for (const bytes of SIZES) {
        const buffer = Buffer.allocUnsafe(bytes);
        figures.push(await timed('read', on, bytes, on === 'event loop'
          ? (position) => { fs.readSync(fd, buffer, 0, bytes, position); }
          : (position) => poolRead(fd, buffer, position)));
      }
    }
    fs.closeSync(fd);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log('operation  on          KiB    wall us/op  cpu us/op');
  for (const f of figures) {
    console.log(`${f.operation.padEnd(10)} ${f.on.padEnd(11)} ${String(f.bytes >> 10).padStart(5)} ${f.wallMicrosPerOp.toFixed(1).padStart(12)} ${f.cpuMicrosPerOp.toFixed(1).padStart(10)}`);
  }
  fs.mkdirSync('bench-results', { recursive: true });
  fs.writeFileSync('bench-results/file-io.json', JSON.stringify({ measuredAt: new Date().toISOString(), figures }, null, 2));
  console.log('written: bench-results/file-io.json');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
