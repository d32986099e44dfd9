// A snapshot of a __consumer_offsets partition is a record of the partition: it is replicated,
// and after kill -9 of the coordinator the new leader (another broker process) replays from it,
// keeping the group's members, epochs, assignment and every committed offset
// (docs/consumer-groups.md, "Bounded replay").
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '../../src/common/errors';
import { offsetsPartitionFor } from '../../src/consumer-groups/consumer-group-offsets';
import { ConsumerGroupState } from '../../src/protocol/generated/sluice/v1/ConsumerGroupState';
import { ThinMember } from '../consumer-groups/thin-member';
import { until } from '../until';
import { createTopic, startCluster, type ClusterHarness } from './cluster-harness';

const GROUP = 'ledger';
const TOPIC = 'entries';
const OFFSETS_PARTITION = offsetsPartitionFor(GROUP, 8);

describe('cluster: a consumer group restored from a replicated snapshot after kill -9 of its coordinator (3 broker processes)', function () {
  let cluster: ClusterHarness;
  before(async () => {
    const config = join(mkdtempSync(join(tmpdir(), 'sluice-snapshot-')), 'broker.json');
    writeFileSync(config, JSON.stringify({ groupStateSnapshotMinRecords: 20 }));
    // Info logs: the new coordinator says where its replay started.
    cluster = await startCluster(3, { brokerArgs: ['--config', config], env: { SLUICE_LOG_LEVEL: 'info' } });
    await createTopic(cluster, TOPIC, 4, 3);
  });
  after(async () => cluster.close());

  it('the new coordinator replays from the snapshot the old one wrote, and keeps the group and its offsets', async () => {
    let coordinator = await cluster.leaderOf('__consumer_offsets', OFFSETS_PARTITION);
    const at = () => (method: string, request: object) => cluster.call(coordinator, 'sluice.v1.Groups', method, request);
    const a = new ThinMember(at, GROUP, TOPIC);
    const b = new ThinMember(at, GROUP, TOPIC);
    await a.join();
    await b.join();
    await until(async () => (await a.beat(), await b.beat(), a.owned.length === 2 && b.owned.length === 2), 'a 2+2 split');
    const last = new Map<number, number>();
    for (let i = 1; i <= 60; i++) {
      const member = i % 2 === 0 ? a : b;
      const partition = member.owned[i % 2]!;
      assert.equal((await member.commit(partition, i)).errorCode, ErrorCode.NONE);
      last.set(partition, i);
    }
    const snapshotWritten = new RegExp(`offsets partition ${OFFSETS_PARTITION}: state snapshot as of offset (\\d+) written`);
    await until(() => snapshotWritten.test(cluster.processes.get(coordinator)!.output()), 'the coordinator to write a snapshot');
    const snapshotOffset = Number(snapshotWritten.exec(cluster.processes.get(coordinator)!.output())![1]);
    assert.equal((await a.commit(a.owned[0]!, 1_000)).errorCode, ErrorCode.NONE, 'a commit after the snapshot');
    last.set(a.owned[0]!, 1_000);
    const [before] = (await at()('describeGroups', { groupIds: [GROUP] })).groups;

    const old = coordinator;
    await cluster.kill(old, 'SIGKILL');
    coordinator = await cluster.leaderOf('__consumer_offsets', OFFSETS_PARTITION);
    assert.notEqual(coordinator, old);
    await until(async () => (await a.beat().catch(() => ({ errorCode: -1 }))).errorCode === ErrorCode.NONE, 'a heartbeat accepted by the new coordinator', { maxWaitMs: 30_000, intervalMs: 100 });
    const loaded = new RegExp(`offsets partition ${OFFSETS_PARTITION} loaded from its snapshot at offset (\\d+)`).exec(cluster.processes.get(coordinator)!.output());
    assert.ok(loaded, `the new coordinator (broker ${coordinator}) replayed from a snapshot`);
    assert.ok(Number(loaded[1]) >= snapshotOffset, `from the old coordinator's snapshot at ${snapshotOffset} or a later one (${loaded[1]})`);
    const [after] = (await at()('describeGroups', { groupIds: [GROUP] })).groups;
    assert.equal(after.state, ConsumerGroupState.CONSUMER_GROUP_STATE_STABLE);
    assert.equal(after.groupEpoch, before.groupEpoch);
    assert.deepEqual(after.members, before.members);
    const offsets = (o: any[]): number[][] => o.map((x) => [x.partition, Number(x.offset)]).sort((x, y) => x[0]! - y[0]!);
    assert.deepEqual(offsets(after.offsets), [...last].sort((x, y) => x[0] - y[0]));
    assert.equal((await b.beat()).errorCode, ErrorCode.NONE);
    assert.equal((await b.commit(b.owned[0]!, 2_000)).errorCode, ErrorCode.NONE);
  });
});
