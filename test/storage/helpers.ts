// Shared fixtures for storage tests: temp data dirs and entry builders.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../src/common/clock';
import { asRaftIndex, asTerm } from '../../src/common/ids';
import { StorageEngine } from '../../src/storage/storage-engine';
import { type AppendEntry, DEFAULT_LOG_CONFIG, EntryKind, type LogConfig } from '../../src/storage/types';

export function tempDir(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'sluice-storage-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A batch whose bytes encode its raft index, so that tests can recognise it. */
export function batchBytes(raftIndex: number, size = 200): Buffer {
  const b = Buffer.alloc(size, raftIndex % 251);
  b.writeUInt32LE(raftIndex, 0);
  return b;
}

export function dataEntry(raftIndex: number, opts: { term?: number; records?: number; size?: number; maxTimestampMs?: number; appendTimeMs?: number } = {}): AppendEntry {
  return {
    kind: EntryKind.DATA,
    term: asTerm(opts.term ?? 1),
    raftIndex: asRaftIndex(raftIndex),
    recordCount: opts.records ?? 10,
    maxTimestampMs: opts.maxTimestampMs ?? 1000 + raftIndex,
    appendTimeMs: opts.appendTimeMs ?? 1000 + raftIndex,
    producerId: -1,
    producerEpoch: -1,
    baseSequence: -1,
    batch: batchBytes(raftIndex, opts.size),
  };
}

export function configEntry(raftIndex: number, term = 1): AppendEntry {
  return { ...dataEntry(raftIndex, { term, records: 0 }), kind: EntryKind.CONFIG, recordCount: 0 };
}

export const entries = (from: number, count: number, opts: Parameters<typeof dataEntry>[1] = {}): AppendEntry[] =>
  Array.from({ length: count }, (_, i) => dataEntry(from + i, opts));

export const config = (over: Partial<LogConfig> = {}): LogConfig => ({ ...DEFAULT_LOG_CONFIG, retentionMs: -1, ...over });

/**
 * A StorageEngine on a fresh temp dir for each test of the enclosing describe (mocha hooks), closed
 * and removed after it; `reopen` closes it and opens the same dir again, as after a restart.
 */
export function storageEngineEachTest(clock?: Clock): { readonly engine: StorageEngine; readonly dir: string; reopen(): Promise<StorageEngine> } {
  let dir: ReturnType<typeof tempDir>;
  let engine: StorageEngine;
  beforeEach(async () => {
    dir = tempDir();
    engine = await StorageEngine.open({ dataDir: dir.path, clock });
  });
  afterEach(async () => {
    await engine.close();
    dir.remove();
  });
  return {
    get engine() {
      return engine;
    },
    get dir() {
      return dir.path;
    },
    async reopen() {
      await engine.close();
      engine = await StorageEngine.open({ dataDir: dir.path, clock });
      return engine;
    },
  };
}
