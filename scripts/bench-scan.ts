// Cost of the produce-time batch check (a benchmark, not a test): scanBatch on typical
// uncompressed batches, and for compressed batches the cost of decompressing and checking every
// record, beside crc32c of the same bytes (which the log computes for every stored batch) as a
// yardstick. With --baseline it also times another build's scanBatch, alternating with this one
// in every round, so that both see the same machine load.
// Run: npx tsc -p tsconfig.json && node dist/scripts/bench-scan.js [--rounds 7] [--ms 300]
//        [--baseline <another build's dist/src/protocol/batch-scan.js>]
// Prints one line per case: median and spread (min-max) of the per-batch time over the rounds.
import { Writer } from 'protobufjs';
import { crc32c } from '../src/common/crc32c';
import { scanBatch } from '../src/protocol/batch-scan';
import { compress, Compression, decompress } from '../src/protocol/compression';
import { publicProtoRoot } from '../src/protocol/proto-root';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const ROUNDS = Number(arg('--rounds', '7'));
const ROUND_MS = Number(arg('--ms', '300'));
const BASELINE = arg('--baseline', '');

type Scan = (bytes: Uint8Array) => { ok: boolean };
const baselineScan: Scan | undefined = BASELINE === '' ? undefined : (require(BASELINE) as { scanBatch: Scan }).scanBatch;

const RecordType = publicProtoRoot().lookupType('sluice.v1.Record');

/** The encoded records of a batch (each with its field-8 tag), with `headers` headers each. */
function recordsOf(count: number, valueBytes: number, headers: number): Buffer {
  const writer = Writer.create();
  for (let i = 0; i < count; i++) {
    const record = { timestampDeltaMs: i, key: Buffer.from(`key-${i % 50}`), value: Buffer.alloc(valueBytes, 97 + (i % 26)), headers: Array.from({ length: headers }, (_, h) => ({ key: `header-${h}`, value: Buffer.from('v') })) };
    writer.uint32((8 << 3) | 2).bytes(RecordType.encode(RecordType.fromObject(record)).finish());
  }
  return Buffer.from(writer.finish());
}

function uncompressedBatch(records: Buffer): Buffer {
  const head = Writer.create().uint32(8).int64(1_700_000_000_000).uint32(16).int64(1_700_000_000_099).finish();
  return Buffer.concat([head, records]);
}

/** Nanoseconds per call of `fn`, run for about ROUND_MS. */
function time(fn: () => unknown): number {
  let calls = 0;
  const started = process.hrtime.bigint();
  const until = started + BigInt(ROUND_MS) * 1_000_000n;
  let now = started;
  while (now < until) {
    for (let i = 0; i < 50; i++) fn();
    calls += 50;
    now = process.hrtime.bigint();
  }
  return Number(now - started) / calls;
}

interface Case { readonly name: string; readonly runs: Record<string, () => unknown> }

const cases: Case[] = [];
for (const [count, valueBytes, headers] of [[100, 100, 0], [1, 1024, 0], [1000, 100, 0], [100, 100, 3]] as const) {
  const records = recordsOf(count, valueBytes, headers);
  const batch = uncompressedBatch(records);
  const name = `${count} x ${valueBytes} B${headers ? `, ${headers} headers` : ''} (${batch.length} B)`;
  const runs: Record<string, () => unknown> = {};
  if (baselineScan) runs['scan before'] = () => { if (!baselineScan(batch).ok) throw new Error('baseline refused the batch'); };
  runs['scan now'] = () => { if (!scanBatch(batch).ok) throw new Error('the batch was refused'); };
  runs['crc32c'] = () => crc32c(batch);
  cases.push({ name, runs });
  for (const [codec, code] of [['gzip', Compression.GZIP], ['snappy', Compression.SNAPPY], ['lz4', Compression.LZ4]] as const) {
    const compressed = compress(code, records);
    cases.push({
      name: `${name} ${codec} (${compressed.length} B)`,
      runs: {
        'decompress': () => decompress(code, compressed),
        // What a broker-side check would cost: decompress, then scan the records as if uncompressed.
        'decompress+check': () => { if (!scanBatch(uncompressedBatch(decompress(code, compressed))).ok) throw new Error('refused'); },
        'crc32c': () => crc32c(compressed),
      },
    });
  }
}

const fmt = (ns: number): string => (ns >= 10_000 ? `${(ns / 1000).toFixed(0)} µs` : ns >= 1000 ? `${(ns / 1000).toFixed(1)} µs` : `${ns.toFixed(0)} ns`);
for (const c of cases) {
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(c.runs).map((k) => [k, []]));
  const names = Object.keys(c.runs);
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the order each round, so neither side always runs first.
    for (const k of round % 2 === 0 ? names : [...names].reverse()) samples[k]!.push(time(c.runs[k]!));
  }
  const parts = names.map((k) => {
    const s = samples[k]!.sort((a, b) => a - b);
    return `${k} ${fmt(s[Math.floor(s.length / 2)]!)} [${fmt(s[0]!)}-${fmt(s.at(-1)!)}]`;
  });
  console.log(`${c.name}: ${parts.join('; ')}`);
}
