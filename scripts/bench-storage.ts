// Storage benchmark: appends/s and MB/s for 16 KB and 100 KB batches, with a sync per append and
// with concurrent group-committed appends, plus sequential read MB/s. Prints figures and writes
// bench-results/storage.json. Run: npx tsc -p tsconfig.json && node dist/scripts/bench-storage.js
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asOffset, asRaftIndex, asTerm } from '../src/common/ids';
import { StorageEngine } from '../src/storage/storage-engine';
import { type AppendEntry, DEFAULT_LOG_CONFIG, EntryKind, type PartitionLog } from '../src/storage/types';

interface Figure {
  readonly name: string;
  readonly batchBytes: number;
  readonly batches: number;
  readonly seconds: number;
  readonly batchesPerSec: number;
  readonly recordsPerSec: number;
  readonly mbPerSec: number;
  readonly fdatasyncs?: number;
}

const RECORD_BYTES = 100;
const seconds = Number(process.env.BENCH_SECONDS ?? 3);

function entry(raftIndex: number, batch: Buffer): AppendEntry {
  const now = Date.now();
  return { kind: EntryKind.DATA, term: asTerm(1), raftIndex: asRaftIndex(raftIndex), recordCount: batch.length / RECORD_BYTES, maxTimestampMs: now, appendTimeMs: now, producerId: -1, producerEpoch: -1, baseSequence: -1, batch };
}

function figure(name: string, batchBytes: number, batches: number, elapsedMs: number, fdatasyncs?: number): Figure {
  const s = elapsedMs / 1000;
  const f = { name, batchBytes, batches, seconds: s, batchesPerSec: batches / s, recordsPerSec: (batches * batchBytes) / RECORD_BYTES / s, mbPerSec: (batches * batchBytes) / 1e6 / s, fdatasyncs };
  console.log(`${name.padEnd(34)} ${Math.round(f.batchesPerSec).toString().padStart(8)} batches/s ${Math.round(f.recordsPerSec).toString().padStart(10)} records/s ${f.mbPerSec.toFixed(1).padStart(8)} MB/s${fdatasyncs === undefined ? '' : `  (${fdatasyncs} fdatasyncs)`}`);
  return f;
}

/** One producer: append one batch, sync, repeat. */
async function syncEach(log: PartitionLog, batch: Buffer): Promise<number> {
  const end = Date.now() + seconds * 1000;
  let n = 0;
  while (Date.now() < end) {
    await log.append([entry(log.lastRaftIndex + 1, batch)]);
    await log.sync();
    n++;
  }
  return n;
}

/** `producers` concurrent producers, each appending then syncing: syncs are group-committed. */
async function groupCommitted(log: PartitionLog, batch: Buffer, producers: number): Promise<number> {
  const end = Date.now() + seconds * 1000;
  let n = 0;
  // append() calls run in call order, so raft indexes can be assigned at call time.
  let next = log.lastRaftIndex + 1;
  const producer = async (): Promise<void> => {
    while (Date.now() < end) {
      await log.append([entry(next++, batch)]);
      await log.sync();
      n++;
    }
  };
  await Promise.all(Array.from({ length: producers }, producer));
  return n;
}

async function readAll(log: PartitionLog, maxBytes: number): Promise<number> {
  let bytes = 0;
  let at = log.logStartOffset as number;
  while (at < log.logEndOffset) {
    const r = await log.read(asOffset(at), log.logEndOffset, maxBytes);
    bytes += r.bytes;
    const last = r.entries[r.entries.length - 1]!.header;
    at = last.baseOffset + last.recordCount;
  }
  return bytes;
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'sluice-bench-'));
  const figures: Figure[] = [];
  const engine = await StorageEngine.open({ dataDir: root });
  try {
    let p = 0;
    for (const size of [16 * 1024, 100 * 1024]) {
      const batch = Buffer.alloc(Math.floor(size / RECORD_BYTES) * RECORD_BYTES, 7);
      const label = `${size / 1024} KB`;
      let log = await engine.openLog('bench', p++, { ...DEFAULT_LOG_CONFIG, retentionMs: -1 });
      let t = Date.now();
      let n = await syncEach(log, batch);
      figures.push(figure(`append+sync each, ${label}`, batch.length, n, Date.now() - t));
      log = await engine.openLog('bench', p++, { ...DEFAULT_LOG_CONFIG, retentionMs: -1 });
      const before = (log as unknown as { flushCount: number }).flushCount;
      t = Date.now();
      n = await groupCommitted(log, batch, 32);
      figures.push(figure(`32 producers group-commit, ${label}`, batch.length, n, Date.now() - t, (log as unknown as { flushCount: number }).flushCount - before));
      t = Date.now();
      const bytes = await readAll(log, 1024 * 1024);
      const s = (Date.now() - t) / 1000;
      console.log(`${`read 1 MB fetches, ${label}`.padEnd(34)} ${(bytes / 1e6 / s).toFixed(1).padStart(8)} MB/s`);
      figures.push({ name: `read 1 MB fetches, ${label}`, batchBytes: batch.length, batches: bytes / batch.length, seconds: s, batchesPerSec: bytes / batch.length / s, recordsPerSec: bytes / RECORD_BYTES / s, mbPerSec: bytes / 1e6 / s });
    }
  } finally {
    await engine.close();
    rmSync(root, { recursive: true, force: true });
  }
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/storage.json', JSON.stringify({ date: new Date().toISOString(), node: process.version, secondsPerCase: seconds, recordBytes: RECORD_BYTES, figures }, null, 2));
  console.log('wrote bench-results/storage.json');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
