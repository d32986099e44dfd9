// The host of the consumer-group coordinators over a scripted offsets partition: an answer waits
// for its records to be appended, a group's inputs run one at a time in arrival order, and a failed
// append is never acknowledged (the state is rebuilt from the log).
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/common/clock';
import { ErrorCode } from '../../src/common/errors';
import { ConsumerGroupCoordinators } from '../../src/consumer-groups/consumer-group-coordinators';
import { ConsumerGroupOffsets } from '../../src/consumer-groups/consumer-group-offsets';
import type { ProduceInput, ProduceOutcome, PartitionReplica } from '../../src/partition/replica';
import type { StoredEntry } from '../../src/storage/types';

/** One offsets partition whose appends complete only when the test says so. */
class ScriptedOffsetsPartition {
  readonly topicPartition = { topic: '__consumer_offsets', partition: 0 };
  readonly leaderId = 1;
  readonly leaderEpoch = 1;
  readonly caughtUp = true;
  readonly logStartOffset = 0;
  private readonly log: StoredEntry[] = [];
  readonly pending: { input: ProduceInput; settle: (ok: boolean) => void }[] = [];
  autoAppend = true;

  get highWatermark(): number {
    return this.log.reduce((n, e) => n + e.header.recordCount, 0);
  }

  produce(input: ProduceInput): Promise<ProduceOutcome> {
    return new Promise((resolve) => {
      const settle = (ok: boolean): void => {
        if (!ok) return resolve({ ok: false, code: ErrorCode.NOT_LEADER, message: 'leadership moved' });
        const baseOffset = this.highWatermark;
        this.log.push({ header: { baseOffset, recordCount: input.recordCount } as StoredEntry['header'], batch: input.batch });
        resolve({ ok: true, code: ErrorCode.NONE, baseOffset, appendTimeMs: 0, logStartOffset: 0 });
      };
      if (this.autoAppend) settle(true);
      else this.pending.push({ input, settle });
    });
  }

  async read(offset: number): Promise<{ entries: StoredEntry[]; bytes: number }> {
    const entries = this.log.filter((e) => e.header.baseOffset + e.header.recordCount > offset);
    return { entries, bytes: 0 };
  }
}

const settled = async <T>(promise: Promise<T>): Promise<boolean> => {
  let done = false;
  void promise.then(() => (done = true), () => (done = true));
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
  return done;
};

describe('consumer-group coordinators on a broker (the host)', () => {
  let partition: ScriptedOffsetsPartition;
  let host: ConsumerGroupCoordinators;
  beforeEach(() => {
    partition = new ScriptedOffsetsPartition();
    const clock = new ManualClock(1_000);
    const offsets = new ConsumerGroupOffsets(() => partition as unknown as PartitionReplica, 1, 1, clock, () => ({ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', createdAtMs: 0 }), 10_000);
    host = new ConsumerGroupCoordinators(offsets, { sessionTimeoutMs: 45_000, heartbeatIntervalMs: 5_000, maxSize: 10 }, () => new Map([['orders', 4]]), clock, 1);
  });

  const join = (groupId = 'g') => host.heartbeat(groupId, { memberId: '', memberEpoch: 0, subscribedTopicNames: ['orders'] });

  it('answers a heartbeat only once the records it produced are appended', async () => {
    partition.autoAppend = false;
    const joining = join();
    assert.equal(await settled(joining), false);
    assert.equal(partition.pending.length, 1);
    partition.pending.shift()!.settle(true);
    const answer = await joining;
    assert.ok(answer.ok);
    assert.equal(answer.memberEpoch, 1);
  });

  it("runs a group's inputs one at a time, in arrival order: a heartbeat waits for the previous input's append", async () => {
    const a = await join();
    assert.ok(a.ok);
    partition.autoAppend = false;
    const b = join();
    const aBeat = host.heartbeat('g', { memberId: a.memberId, memberEpoch: a.memberEpoch, ownedPartitions: a.assignment });
    const other = join('another-group');
    assert.equal(await settled(aBeat), false);
    // b's join and the other group's join are appending; a's heartbeat has not reached its core.
    assert.equal(partition.pending.length, 2);
    partition.autoAppend = true;
    for (const p of partition.pending.splice(0)) p.settle(true);
    const answer = await aBeat;
    assert.ok(answer.ok && (await b).ok && (await other).ok);
    // a's heartbeat saw b's join: it is told to give up half of its partitions.
    assert.equal(answer.assignment[0]!.partitions.length, 2);
  });

  it('never acknowledges a state change whose append failed, and rebuilds the group from the log', async () => {
    const a = await join();
    assert.ok(a.ok);
    partition.autoAppend = false;
    const b = join();
    await settled(b);
    partition.pending.shift()!.settle(false);
    const refused = await b;
    assert.ok(!refused.ok);
    assert.equal(refused.code, ErrorCode.NOT_COORDINATOR);
    partition.autoAppend = true;
    const described = await host.describe('g');
    assert.deepEqual([...described!.snapshot!.members.keys()], [a.memberId]);
    assert.equal(described!.snapshot!.groupEpoch, 1);
  });
});
