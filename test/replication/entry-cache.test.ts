// The broker-wide budget for Raft entry caches: the groups written least recently give their
// entries back first, and a follower further behind than the cache is served from disk.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asNodeId, asRaftIndex } from '../../src/common/ids';
import type { DurableMeta } from '../../src/storage/durable-meta';
import { makeConfig, type Entry } from '../../src/raft';
import { EntryCacheBudget, type CacheMember } from '../../src/replication/entry-cache-budget';
import { LogRaftStorage } from '../../src/replication/log-raft-storage';
import { encodeEntryData, toAppendEntry } from '../../src/replication/partition-entry';
import { StorageEngine } from '../../src/storage/storage-engine';
import { DEFAULT_LOG_CONFIG } from '../../src/storage/types';
import type { PartitionLog } from '../../src/storage/types';
import { InMemoryNetwork } from '../../src/replication/transport';
import { electedLeader, produce, startNode, stopNode, type TestNode } from './replica-harness';
import { until } from '../until';

/** A cache of entries of given sizes that, like a group's, keeps its newest entry only while writing. */
class SizedCache implements CacheMember {
  readonly sizes: number[] = [];
  constructor(private readonly budget: EntryCacheBudget) {}

  write(...sizes: number[]): void {
    this.sizes.push(...sizes);
    this.budget.added(this, sizes.reduce((a, b) => a + b, 0));
  }

  shed(bytes: number, keepNewest: boolean): void {
    let freed = 0;
    while (freed < bytes && this.sizes.length > (keepNewest ? 1 : 0)) {
      const size = this.sizes.shift()!;
      freed += size;
      this.budget.released(this, size);
    }
  }
}

describe('Raft entry cache budget', function () {
  it('past the budget, the least recently written caches shed first and the writer last', () => {
    const budget = new EntryCacheBudget(100);
    const [a, b, c] = [new SizedCache(budget), new SizedCache(budget), new SizedCache(budget)];
    a.write(20, 20);
    b.write(20, 20);
    c.write(10);
    assert.equal(budget.bytes, 90);

    a.write(30); // 120: b, written before c and a, gives back one entry
    assert.deepEqual([budget.heldBy(a), budget.heldBy(b), budget.heldBy(c)], [70, 20, 10]);
    assert.deepEqual(b.sizes, [20]);

    c.write(50); // 150: b gives back its last entry, a its two oldest; c, the writer, keeps all
    assert.deepEqual([a.sizes, b.sizes, c.sizes], [[30], [], [10, 50]]);
    assert.equal(budget.bytes, 90);
    assert.equal(budget.heldBy(b), 0);

    c.write(100); // 190: a gives back its last entry, then c (the writer) all but its newest
    assert.deepEqual([a.sizes, c.sizes], [[], [100]]);
    assert.equal(budget.bytes, 100);
  });

  it('forgets a cache that holds nothing and refuses a budget that is not a positive integer', () => {
    const budget = new EntryCacheBudget(1000);
    const cache = new SizedCache(budget);
    cache.write(300);
    budget.released(cache, 300);
    assert.equal(budget.heldBy(cache), 0);
    assert.equal(budget.bytes, 0);
    assert.throws(() => new EntryCacheBudget(0), /entry cache budget 0 is invalid: use a positive number of bytes/);
  });

  it('copies a small entry out of the larger buffer it is a view into, and keeps a large one as is', () => {
    // Only what remember() and entries() touch: entries come from the cache, never from the log.
    const log = { lastRaftIndex: 0, firstRaftIndex: 1, termAt: () => 0 } as unknown as PartitionLog;
    const meta = { getMeta: () => undefined } as unknown as DurableMeta;
    const storage = new LogRaftStorage(log, meta, 'g', makeConfig([1]), () => undefined, new EntryCacheBudget(1 << 20));
    const message = Buffer.alloc(64 * 1024, 7);
    const entry = (index: number, data: Uint8Array): Entry => ({ term: 1 as Entry['term'], index: index as Entry['index'], type: 'normal', data });
    storage.remember([entry(1, message.subarray(100, 600)), entry(2, message.subarray(1000, 41_000))]);
    const [small, large] = storage.entries(1 as Entry['index'], 3 as Entry['index'], 1 << 20)!;
    assert.notEqual(small!.data.buffer, message.buffer, 'the 500-byte entry no longer holds the 64 KiB message');
    assert.ok(small!.data.buffer.byteLength < message.length / 2);
    assert.deepEqual(Buffer.from(small!.data), message.subarray(100, 600));
    assert.equal(large!.data.buffer, message.buffer, 'a 40 KB entry keeps its buffer');
  });

  it('hands over a stored range larger than the budget in loads that fit it, each range loaded once', async () => {
    // A restart applies the committed log from disk (the metadata group replays all of it): a
    // load of the whole range used to be shed by its own arrival past the budget and asked for
    // again, for ever (a fuzzed broker's 52 MB metadata log never finished its start).
    const dir = mkdtempSync(join(tmpdir(), 'sluice-entry-cache-load-'));
    const engine = await StorageEngine.open({ dataDir: dir });
    try {
      const log = await engine.openLog('big', 0, DEFAULT_LOG_CONFIG);
      const ENTRIES = 2_000;
      const facts = { recordCount: 1, maxTimestampMs: 1, appendTimeMs: 1, producerId: -1, producerEpoch: -1, baseSequence: -1 };
      const entry = (i: number): Entry => ({ term: 1 as Entry['term'], index: i as Entry['index'], type: 'normal', data: encodeEntryData(facts, Buffer.alloc(1_000, i % 251)) });
      await log.append(Array.from({ length: ENTRIES }, (_, i) => toAppendEntry(entry(i + 1))));
      await log.sync();
      const BUDGET = 256 * 1024; // the log holds ~2.4 MB of cache cost: nine budgets and more
      const loadsFrom: number[] = [];
      let wake: () => void = () => undefined;
      const budget = new EntryCacheBudget(BUDGET);
      const storage = new LogRaftStorage(log, engine, 'big', makeConfig([1]), () => wake(), budget);
      let peak = 0;
      const handed: number[] = [];
      // As the host drives a group: ask, and when the range is not in memory, ask again once it loaded.
      while (handed.length < ENTRIES && loadsFrom.length <= ENTRIES) {
        const lo = handed.length + 1;
        const got = storage.entries(asRaftIndex(lo), asRaftIndex(ENTRIES + 1), 64 * 1024 * 1024);
        if (got !== undefined) {
          for (const e of got) handed.push(e.index);
          peak = Math.max(peak, budget.bytes);
          continue;
        }
        loadsFrom.push(lo);
        await new Promise<void>((done) => (wake = () => setImmediate(done)));
      }
      assert.deepEqual(handed, Array.from({ length: ENTRIES }, (_, i) => i + 1), `handed over ${handed.length} of ${ENTRIES} entries in ${loadsFrom.length} loads`);
      assert.equal(new Set(loadsFrom).size, loadsFrom.length, `a range was loaded twice: loads from ${loadsFrom.join(', ')}`);
      assert.ok(peak <= BUDGET, `the loaded ranges held ${peak} bytes of a ${BUDGET}-byte budget`);
    } finally {
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('on replicas with a budget smaller than what a follower misses', function () {
    this.timeout(60_000);
    const BUDGET = 64 * 1024;
    const nodes: TestNode[] = [];
    const dirs: string[] = [];
    let network: InMemoryNetwork;

    beforeEach(async () => {
      network = new InMemoryNetwork();
      for (const id of [1, 2, 3]) {
        const dir = mkdtempSync(join(tmpdir(), `sluice-entry-cache-${id}-`));
        dirs.push(dir);
        nodes.push(await startNode(network, id, dir, { entryCacheBytes: BUDGET }));
      }
    });

    afterEach(async () => {
      for (const node of nodes.splice(0)) await stopNode(node);
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    });

    it('keeps the leader within the budget and catches an isolated follower up from disk, byte for byte', async () => {
      const leader = await electedLeader(() => nodes);
      const behind = nodes.find((n) => n.id !== leader.id)!;
      network.isolate(asNodeId(behind.id));
      const value = 'v'.repeat(500);
      for (let i = 0; i < 100; i++) {
        const outcome = await produce(leader.partition, [`${i}:${value}`, `${i}:${value}`, `${i}:${value}`, `${i}:${value}`]);
        assert.ok(outcome.ok, JSON.stringify(outcome));
      }
      const written = leader.log.lastRaftIndex;
      const batch = (await leader.log.readByRaftIndex(written, asRaftIndex(written + 1), 1 << 20))[0]!.batch.length;
      assert.ok(100 * batch > 3 * BUDGET, 'the follower misses more than the budget holds');
      assert.ok(leader.host.entryCache.bytes <= BUDGET + batch + 200, `the leader caches ${leader.host.entryCache.bytes} bytes`);

      network.heal();
      await until(() => behind.log.lastRaftIndex === written && behind.partition.highWatermark === leader.partition.highWatermark, 'the isolated follower to catch up');
      const [mine, theirs] = await Promise.all([leader, behind].map((n) => n.log.readByRaftIndex(asRaftIndex(1), asRaftIndex(written + 1), 64 << 20)));
      assert.equal(theirs!.length, mine!.length);
      for (let i = 0; i < mine!.length; i++) assert.ok(theirs![i]!.batch.equals(mine![i]!.batch), `entry ${i + 1} differs`);
    });
  });
});
