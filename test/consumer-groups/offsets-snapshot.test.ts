// Bounded replay of __consumer_offsets (docs/consumer-groups.md, "Bounded replay"): a replay that
// starts from the newest complete snapshot builds exactly the state a replay from the log start
// builds, on seeded histories of real coordinator records, commits, deletes, snapshots written
// while other records interleave, and snapshots cut short by a lost leadership; and a takeover
// after snapshots reads only the newest snapshot and what follows it.
import { strict as assert } from 'node:assert';
import { ManualClock } from '../../src/common/clock';
import { ErrorCode } from '../../src/common/errors';
import { ConsumerGroupOffsets } from '../../src/consumer-groups/consumer-group-offsets';
import { ConsumerGroup } from '../../src/consumer-groups/coordinator/consumer-group';
import type { TopicPartitions } from '../../src/consumer-groups/coordinator/partition-key';
import type { ConsumerGroupRecord } from '../../src/consumer-groups/coordinator/records';
import { foldRecords } from '../../src/consumer-groups/coordinator/restore';
import { decodeOffsetsPartitionRecords, encodeConsumerGroupBatch, encodeOffsetBatch, encodeSnapshotChunkBatch, type OffsetTombstone } from '../../src/consumer-groups/offset-records';
import type { OffsetsPartitionState } from '../../src/consumer-groups/offsets-partition-state';
import { chunksOf, replayOffsetsPartition, writeOffsetsSnapshot } from '../../src/consumer-groups/offsets-snapshot';
import type { PartitionReplica, ProduceInput, ProduceOutcome } from '../../src/partition/replica';
import { SeededRandom } from '../../src/raft/random';
import type { StoredEntry } from '../../src/storage/types';

/** An offsets partition in memory that remembers the lowest offset read since `lowestRead` was reset. */
class MemoryOffsetsPartition {
  readonly topicPartition = { topic: '__consumer_offsets', partition: 0 };
  readonly leaderId = 1;
  leaderEpoch = 1;
  readonly caughtUp = true;
  readonly logStartOffset = 0;
  readonly log: StoredEntry[] = [];
  lowestRead = Infinity;

  get highWatermark(): number {
    const last = this.log.at(-1);
    return last ? last.header.baseOffset + last.header.recordCount : 0;
  }

  async produce(input: ProduceInput & { recordCount: number }): Promise<ProduceOutcome> {
    const baseOffset = this.highWatermark;
    this.log.push({ header: { baseOffset, recordCount: input.recordCount } as StoredEntry['header'], batch: input.batch });
    return { ok: true, code: ErrorCode.NONE, baseOffset, appendTimeMs: 0, logStartOffset: 0 };
  }

  async read(offset: number, maxBytes: number): Promise<{ entries: StoredEntry[]; bytes: number }> {
    this.lowestRead = Math.min(this.lowestRead, offset);
    const entries: StoredEntry[] = [];
    let bytes = 0;
    for (const e of this.log) {
      if (e.header.baseOffset + e.header.recordCount <= offset) continue;
      if (entries.length > 0 && bytes + e.batch.length > maxBytes) break;
      entries.push(e);
      bytes += e.batch.length;
    }
    return { entries, bytes };
  }

  append(batch: Buffer, recordCount: number): void {
    void this.produce({ batch, recordCount, acks: 'all', maxTimestampMs: 0, producerId: 0, producerEpoch: 0, baseSequence: 0 });
  }
}

const asReplica = (p: MemoryOffsetsPartition): PartitionReplica => p as unknown as PartitionReplica;

/** Ordered contents of a state: equal only if the maps hold the same entries in the same order. */
function ordered(state: OffsetsPartitionState): unknown {
  return {
    offsets: [...state.offsets].map(([g, m]) => [g, [...m]]),
    groupRecords: [...state.groupRecords].map(([g, m]) => [g, [...m]]),
  };
}

interface Live {
  group: ConsumerGroup;
  members: Map<string, { epoch: number; owned: readonly TopicPartitions[] }>;
}

/** A seeded history of real coordinator records, commits, deletes and snapshots on `p`. */
async function writeHistory(p: MemoryOffsetsPartition, seed: number, steps: number): Promise<{ snapshots: number }> {
  const random = new SeededRandom(seed);
  const topics = new Map([['t', 4], ['u', 2]]);
  let now = 1_000;
  let memberIds = 0;
  let snapshots = 0;
  const groups = new Map<string, Live>();
  const committed = new Map<string, Set<string>>();
  const liveOf = (id: string): Live => {
    let live = groups.get(id);
    if (!live) {
      live = { group: new ConsumerGroup(id, { sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1_000, rebalanceTimeoutMs: 20_000, newMemberId: () => `m${++memberIds}` }, topics), members: new Map() };
      groups.set(id, live);
    }
    return live;
  };
  const writeGroupRecords = (records: readonly ConsumerGroupRecord[], tombstones: readonly OffsetTombstone[] = []): void => {
    if (records.length + tombstones.length > 0) p.append(encodeConsumerGroupBatch(records, tombstones, now), records.length + tombstones.length);
  };
  for (let step = 0; step < steps; step++) {
    now += random.nextInt(2_000);
    const groupId = `g${random.nextInt(4)}`;
    const live = liveOf(groupId);
    const roll = random.nextInt(100);
    if (roll < 30) {
      const topic = random.pick(['t', 'u']);
      const partition = random.nextInt(topics.get(topic)!);
      const topicId = random.chance(0.5) ? { topicId: `id-${topic}` } : {};
      p.append(encodeOffsetBatch([{ groupId, topic, partition, offset: random.nextInt(1_000_000), metadata: random.chance(0.2) ? 'm' : '', commitTimeMs: now, ...topicId }], now), 1);
      const keys = committed.get(groupId) ?? new Set();
      keys.add(`${topic}/${partition}`);
      committed.set(groupId, keys);
    } else if (roll < 45) {
      const out = live.group.heartbeat({ memberId: '', memberEpoch: 0, subscribedTopicNames: random.chance(0.7) ? ['t'] : ['t', 'u'], ...(random.chance(0.2) ? { serverAssignor: 'range' } : {}) }, now);
      writeGroupRecords(out.records);
      if (out.result.ok) live.members.set(out.result.memberId, { epoch: out.result.memberEpoch, owned: out.result.assignment });
    } else if (roll < 75 && live.members.size > 0) {
      const memberId = random.pick([...live.members.keys()]);
      const m = live.members.get(memberId)!;
      const out = live.group.heartbeat({ memberId, memberEpoch: m.epoch, ownedPartitions: m.owned }, now);
      writeGroupRecords(out.records);
      if (out.result.ok) live.members.set(memberId, { epoch: out.result.memberEpoch, owned: out.result.assignment });
      else live.members.delete(memberId);
    } else if (roll < 82 && live.members.size > 0) {
      const memberId = random.pick([...live.members.keys()]);
      writeGroupRecords(live.group.heartbeat({ memberId, memberEpoch: -1 }, now).records);
      live.members.delete(memberId);
    } else if (roll < 86) {
      now += 15_000; // past the session: silent members expire
      writeGroupRecords(live.group.tick(now).records);
      for (const id of [...live.members.keys()]) if (!live.group.snapshot().members.has(id)) live.members.delete(id);
    } else if (roll < 90) {
      const deleted = live.group.delete();
      if (deleted.result === null) {
        const tombstones = [...(committed.get(groupId) ?? [])].map((key) => ({ groupId, topic: key.split('/')[0]!, partition: Number(key.split('/')[1]) }));
        writeGroupRecords(deleted.records, tombstones);
        groups.delete(groupId);
        committed.delete(groupId);
      }
    } else if (roll < 96) {
      // A complete snapshot, with records appended between its offset and its chunks.
      const leaderEpoch = p.leaderEpoch;
      const replayed = await replayOffsetsPartition(asReplica(p));
      p.append(encodeOffsetBatch([{ groupId, topic: 't', partition: 0, offset: step, metadata: '', commitTimeMs: now }], now), 1);
      for (const chunk of chunksOf(replayed.state, replayed.endOffset, leaderEpoch)) p.append(encodeSnapshotChunkBatch(chunk, now), 1);
      snapshots++;
    } else {
      // A leader that lost its leadership before its snapshot's last chunk: the chunks stay, incomplete.
      const replayed = await replayOffsetsPartition(asReplica(p));
      const chunks = chunksOf(replayed.state, replayed.endOffset, p.leaderEpoch);
      for (const chunk of chunks.slice(0, -1)) p.append(encodeSnapshotChunkBatch(chunk, now), 1);
      p.append(encodeSnapshotChunkBatch({ ...chunks.at(-1)!, index: chunks.length }, now), 1); // out of range: not a last chunk
      p.leaderEpoch++;
    }
  }
  return { snapshots };
}

/** What restore.ts folds from every consumer-group record of the log, in log order (the old replay). */
function foldedFromWholeLog(p: MemoryOffsetsPartition): Map<string, ReturnType<typeof foldRecords>> {
  const byGroup = new Map<string, ConsumerGroupRecord[]>();
  for (const entry of p.log) {
    for (const r of decodeOffsetsPartitionRecords(entry.batch)) {
      if (r.kind !== 'consumer-group') continue;
      const records = byGroup.get(r.record.groupId) ?? [];
      records.push(r.record);
      byGroup.set(r.record.groupId, records);
    }
  }
  return new Map([...byGroup].map(([g, records]) => [g, foldRecords(g, records)]));
}

describe('bounded replay of __consumer_offsets (snapshots)', () => {
  for (let seed = 1; seed <= 10; seed++) {
    it(`seed ${seed}: replay from the newest snapshot builds exactly what a replay from the log start builds`, async () => {
      const p = new MemoryOffsetsPartition();
      const { snapshots } = await writeHistory(p, seed, 400);
      const full = await replayOffsetsPartition(asReplica(p), { useSnapshot: false });
      const fromSnapshot = await replayOffsetsPartition(asReplica(p));
      assert.equal(full.startOffset, 0);
      if (snapshots > 0) assert.ok(fromSnapshot.snapshotOffset !== undefined && fromSnapshot.snapshotOffset > 0, 'the replay starts from a snapshot');
      assert.equal(fromSnapshot.endOffset, full.endOffset);
      assert.deepStrictEqual(ordered(fromSnapshot.state), ordered(full.state));
      // And both restore every group as folding all its records in log order does (restore.ts).
      for (const [groupId, reference] of foldedFromWholeLog(p)) {
        const records = [...(fromSnapshot.state.groupRecords.get(groupId)?.values() ?? [])];
        const restored = foldRecords(groupId, records);
        if (reference.deleted) {
          assert.equal(restored.groupEpoch, 0, `${groupId} was deleted`);
          assert.equal(restored.members.size, 0);
          continue;
        }
        assert.deepStrictEqual(restored, reference, `group ${groupId}`);
        assert.deepStrictEqual([...restored.members.keys()], [...reference.members.keys()], `member order of ${groupId}`);
      }
    });
  }

  it('a takeover after snapshots reads the newest snapshot and what follows it, not the log start, and keeps every commit', async () => {
    const p = new MemoryOffsetsPartition();
    const clock = new ManualClock(1_000);
    const topicOf = (): { topicId: string; createdAtMs: number } => ({ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', createdAtMs: 0 });
    const first = new ConsumerGroupOffsets(() => asReplica(p), 1, 1, clock, topicOf, 100);
    let snapshotOffset: number | undefined;
    for (let i = 0; i < 3_000; i++) {
      const outcome = await first.commit(`g${i % 7}`, [{ topic: 'orders', partition: i % 3, offset: i, metadata: '' }]);
      assert.ok(outcome.ok);
      for (const loaded of await first.ledPartitions()) snapshotOffset = (await first.snapshotIfDue(loaded)) ?? snapshotOffset;
    }
    assert.ok(snapshotOffset !== undefined && snapshotOffset >= 2_900, `a snapshot near the end (got ${snapshotOffset})`);
    p.leaderEpoch++; // a new leader: the same broker, or another with the same log
    p.lowestRead = Infinity;
    const second = new ConsumerGroupOffsets(() => asReplica(p), 1, 1, clock, topicOf, 100);
    for (let g = 0; g < 7; g++) {
      const fetched = await second.fetch(`g${g}`, []);
      const expected = [0, 1, 2].map((partition) => {
        const last = [...Array(3_000).keys()].filter((i) => i % 7 === g && i % 3 === partition).at(-1)!;
        return { topic: 'orders', partition, offset: last };
      });
      assert.deepEqual(fetched.map(({ topic, partition, offset }) => ({ topic, partition, offset })).sort((a, b) => a.partition - b.partition), expected);
    }
    assert.ok(p.lowestRead >= snapshotOffset - 1_024, `the takeover read from offset ${p.lowestRead}, the newest snapshot is at ${snapshotOffset} of ${p.highWatermark}`);
  });

  it('writes no snapshot until enough was appended since the last one', async () => {
    const p = new MemoryOffsetsPartition();
    const offsets = new ConsumerGroupOffsets(() => asReplica(p), 1, 1, new ManualClock(0), () => undefined, 50);
    for (let i = 0; i < 49; i++) await offsets.commit('g', [{ topic: 'orders', partition: 0, offset: i, metadata: '' }]);
    const [loaded] = await offsets.ledPartitions();
    assert.equal(await offsets.snapshotIfDue(loaded!), undefined);
    await offsets.commit('g', [{ topic: 'orders', partition: 0, offset: 49, metadata: '' }]);
    assert.equal(await offsets.snapshotIfDue(loaded!), 50);
    assert.equal(await offsets.snapshotIfDue(loaded!), undefined, 'the snapshot itself does not make another one due');
    const written = await writeOffsetsSnapshot(asReplica(p), () => 0);
    assert.ok(written.ok && written.size === 1);
  });
});
