// The Python group member (examples/python/group_member.py): a client made from nothing but
// proto/ joins a consumer group by heartbeating; two of them split a topic's partitions, each
// reading only its own, and every record is printed once.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { startBrokerFixture, type BrokerFixture } from '../broker/broker-fixture';
import { ConsumerGroupState } from '../../src/protocol/generated/sluice/v1/ConsumerGroupState';
import { PYTHON_WITH_GRPC } from './debian-python';
import { runToExit } from '../run-to-exit';
import { until } from '../until';

const EXAMPLE = resolve(__dirname, '../../../examples/python');

describe('examples/python/group_member.py against a broker', function () {
  this.timeout(120_000);
  before(function () {
    let why = PYTHON_WITH_GRPC === undefined ? 'python3 with grpc and protobuf (apt-get install python3-grpcio python3-protobuf)' : undefined;
    if (why === undefined) {
      try {
        execFileSync(resolve(EXAMPLE, 'generate.sh'), { stdio: 'pipe' });
      } catch (error) {
        why = `its stubs could not be generated: ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}`;
      }
    }
    if (why !== undefined) {
      console.log(`      skipped: the Python group member needs ${why}`);
      this.skip();
    }
  });

  let fx: BrokerFixture;
  afterEach(async () => fx?.close());

  it('two members split a 4-partition topic and print every record once', async () => {
    fx = await startBrokerFixture({ groupHeartbeatIntervalMs: 100 });
    await fx.admin('createTopics', { topics: [{ name: 'py-jobs', partitions: 4 }] });
    // Each member stops 6 s after its last record (it has nothing else to tell it the test is over).
    const member = () => runToExit(PYTHON_WITH_GRPC!, [resolve(EXAMPLE, 'group_member.py'), fx.address, 'py-jobs', 'py-workers', '6']);
    const a = member();
    const b = member();
    await until(async () => {
      const [group] = (await fx.groups('describeGroups', { groupIds: ['py-workers'] })).groups;
      return group.state === ConsumerGroupState.CONSUMER_GROUP_STATE_STABLE && group.members.length === 2 && group.members.every((m: any) => m.assigned[0]?.partitions.length === 2);
    }, 'two Python members with 2 partitions each');
    for (let partition = 0; partition < 4; partition++) {
      await fx.data('produce', { partitions: [{ topic: 'py-jobs', partition, batch: { records: [1, 2, 3].map((i) => ({ value: Buffer.from(`p${partition}-${i}`) })) } }] });
    }
    const runs = await Promise.all([a, b]);
    const records = runs.map((run) => {
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /left the group\n$/);
      return run.stdout.split('\n').filter((line) => /^\d+:\d+ /.test(line));
    });
    for (const lines of records) {
      const partitions = new Set(lines.map((line) => line.split(':')[0]));
      assert.equal(partitions.size, 2, lines.join('\n'));
    }
    const all = records.flat();
    assert.equal(all.length, 12);
    assert.equal(new Set(all).size, 12);
    // Both committed with their epochs: the group's offsets are at the end of every partition.
    const { partitions } = await fx.groups('fetchOffsets', { groupId: 'py-workers', partitions: [] });
    assert.deepEqual(partitions.map((p: any) => p.offset), [3, 3, 3, 3]);
  });
});
