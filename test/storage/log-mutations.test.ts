import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../../src/common/clock';
import { asOffset, asRaftIndex, asTerm } from '../../src/common/ids';
import type { LogConfig, PartitionLog } from '../../src/storage/types';
import { batchBytes, config, dataEntry, storageEngineEachTest } from './helpers';

describe('storage: truncation, retention and reset', () => {
  const clock = new ManualClock(1_000_000);
  const fx = storageEngineEachTest(clock);
  const segmentFiles = (): string[] => readdirSync(join(fx.dir, 'partitions', 't-0')).filter((n) => n.endsWith('.log')).sort();
  const reopen = async (cfg: LogConfig): Promise<PartitionLog> => {
    return (await fx.reopen()).openLog('t', 0, cfg);
  };
  /** 10 entries of 280 bytes, 2 per segment: segments at offsets 0, 20, 40, 60, 80. */
  const fill = async (cfg: LogConfig, appendTimes: (i: number) => number = (i) => 1000 + i): Promise<PartitionLog> => {
    const log = await fx.engine.openLog('t', 0, cfg);
    for (let i = 1; i <= 10; i++) await log.append([dataEntry(i, { term: i <= 5 ? 1 : 2, appendTimeMs: appendTimes(i) })]);
    return log;
  };
  const raftIndexes = async (log: PartitionLog): Promise<number[]> =>
    (await log.read(log.logStartOffset, log.logEndOffset, 1 << 20)).entries.map((e) => e.header.raftIndex);

  it('deletes whole closed segments by time, moves the log start, and keeps it after reopen', async () => {
    const cfg = config({ segmentBytes: 600, retentionMs: 10_000 });
    const log = await fill(cfg, (i) => (i <= 4 ? 1000 : 50_000));
    assert.equal(segmentFiles().length, 5);
    assert.equal(await log.applyRetention(20_000), 2);
    assert.deepEqual(segmentFiles(), ['00000000000000000040.log', '00000000000000000060.log', '00000000000000000080.log']);
    assert.equal(log.logStartOffset, 40);
    assert.equal(log.firstRaftIndex, 5);
    assert.equal(log.termAt(asRaftIndex(4)), 1);
    const again = await reopen(cfg);
    assert.equal(again.logStartOffset, 40);
    assert.equal(again.firstRaftIndex, 5);
    assert.equal(again.termAt(asRaftIndex(4)), 1, 'the snapshot term survives restart');
    assert.equal(again.termAt(asRaftIndex(3)), undefined);
    assert.deepEqual(await raftIndexes(again), [5, 6, 7, 8, 9, 10]);
  });

  it('never deletes the active segment', async () => {
    const cfg = config({ segmentBytes: 600, retentionMs: 1 });
    const log = await fill(cfg);
    assert.equal(await log.applyRetention(10_000_000), 4);
    assert.deepEqual(segmentFiles(), ['00000000000000000080.log']);
    assert.equal(log.logStartOffset, 80);
    assert.equal(log.logEndOffset, 100);
  });

  it('deletes oldest segments by size while the rest stays above retentionBytes', async () => {
    const cfg = config({ segmentBytes: 600, retentionBytes: 1200 });
    const log = await fill(cfg);
    assert.equal(log.sizeBytes, 2800);
    assert.equal(await log.applyRetention(clock.nowMs()), 2);
    assert.equal(log.sizeBytes, 1680);
    assert.equal(log.logStartOffset, 40);
    assert.equal((await reopen(cfg)).logStartOffset, 40);
  });

  it('truncates a suffix, appends again with consistent offsets, and survives reopen', async () => {
    const cfg = config({ segmentBytes: 600 });
    const log = await fill(cfg);
    await log.sync();
    await log.truncateSuffix(asRaftIndex(4));
    assert.equal(log.lastRaftIndex, 3);
    assert.equal(log.logEndOffset, 30);
    assert.equal(log.syncedRaftIndex, 3);
    assert.deepEqual(segmentFiles(), ['00000000000000000000.log', '00000000000000000020.log']);
    await log.append([dataEntry(4, { term: 3 }), dataEntry(5, { term: 3 })]);
    assert.equal(log.termAt(asRaftIndex(4)), 3);
    const again = await reopen(cfg);
    assert.equal(again.logEndOffset, 50);
    assert.deepEqual(await raftIndexes(again), [1, 2, 3, 4, 5]);
    const r = await again.read(asOffset(30), asOffset(50), 1 << 20);
    assert.deepEqual(r.entries.map((e) => [e.header.baseOffset, e.header.term]), [[30, 3], [40, 3]]);
    assert.deepEqual(r.entries[0]!.batch, batchBytes(4));
  });

  it('truncates at a segment boundary by removing the emptied segment', async () => {
    const cfg = config({ segmentBytes: 600 });
    const log = await fill(cfg);
    await log.truncateSuffix(asRaftIndex(5));
    assert.deepEqual(segmentFiles(), ['00000000000000000000.log', '00000000000000000020.log']);
    assert.equal(log.logEndOffset, 40);
    await log.append([dataEntry(5)]);
    assert.deepEqual(await raftIndexes(await reopen(cfg)), [1, 2, 3, 4, 5]);
  });

  it('truncates everything from the first raft index', async () => {
    const log = await fill(config());
    await log.truncateSuffix(asRaftIndex(1));
    assert.equal(log.lastRaftIndex, 0);
    assert.equal(log.logEndOffset, 0);
    await log.append([dataEntry(1, { term: 7 })]);
    assert.equal((await reopen(config())).termAt(asRaftIndex(1)), 7);
  });

  it('moves the log start with truncatePrefix, deleting only whole segments below it', async () => {
    const cfg = config({ segmentBytes: 600 });
    const log = await fill(cfg);
    await log.truncatePrefix(asOffset(45));
    assert.equal(log.logStartOffset, 45);
    assert.deepEqual(segmentFiles(), ['00000000000000000040.log', '00000000000000000060.log', '00000000000000000080.log']);
    const r = await log.read(asOffset(45), asOffset(100), 1 << 20);
    assert.equal(r.entries[0]!.header.baseOffset, 40);
    assert.equal((await reopen(cfg)).logStartOffset, 45);
  });

  it('resets to a snapshot point, durably', async () => {
    const cfg = config({ segmentBytes: 600 });
    const log = await fill(cfg);
    await log.resetTo(asOffset(500), asRaftIndex(60), asTerm(4));
    assert.equal(log.logStartOffset, 500);
    assert.equal(log.logEndOffset, 500);
    assert.equal(log.firstRaftIndex, 60);
    assert.equal(log.lastRaftIndex, 59);
    assert.equal(log.termAt(asRaftIndex(59)), 4);
    assert.deepEqual(segmentFiles(), ['00000000000000000500.log']);
    await log.append([dataEntry(60, { term: 5 })]);
    const again = await reopen(cfg);
    assert.equal(again.firstRaftIndex, 60);
    assert.equal(again.termAt(asRaftIndex(59)), 4);
    assert.equal(again.termAt(asRaftIndex(60)), 5);
    assert.deepEqual(await raftIndexes(again), [60]);
    assert.equal(again.logEndOffset, 510);
  });
});
