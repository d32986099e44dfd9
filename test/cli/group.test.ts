// sluice group list | describe | delete and sluice consume --group against a real in-process
// broker (members joined by raw heartbeats, or by consume --group processes).
import { strict as assert } from 'node:assert';
import { startBrokerFixture, type BrokerFixture } from '../broker/broker-fixture';
import { ThinMember } from '../consumer-groups/thin-member';
import { until } from '../until';
import { sluice } from './run-cli';

describe('sluice group (real broker)', () => {
  let fx: BrokerFixture;
  const cli = (args: string[]) => sluice(['--brokers', fx.address, ...args]);
  beforeEach(async () => {
    fx = await startBrokerFixture({ groupHeartbeatIntervalMs: 100 });
    await fx.admin('createTopics', { topics: [{ name: 'orders', partitions: 2 }] });
  });
  afterEach(async () => fx.close());

  it('lists, describes (members, partitions, offsets with lag) and deletes only an empty group', async () => {
    const a = new ThinMember(() => fx.groups, 'billing', 'orders');
    const b = new ThinMember(() => fx.groups, 'billing', 'orders');
    await a.join();
    await b.join();
    await until(async () => (await a.beat(), await b.beat(), a.owned.length === 1 && b.owned.length === 1), 'a 1+1 split');
    await fx.data('produce', { partitions: [{ topic: 'orders', partition: a.owned[0], batch: { records: [{ value: Buffer.from('x') }, { value: Buffer.from('y') }] } }] });
    assert.equal((await a.commit(a.owned[0]!, 1)).errorCode, 0);

    const list = await cli(['group', 'list']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^GROUP\s+STATE\s+MEMBERS\nbilling\s+stable\s+2\n$/);

    const describe = await cli(['group', 'describe', 'billing']);
    assert.equal(describe.code, 0, describe.stderr);
    assert.match(describe.stdout, /^group billing: stable, group epoch 2, assignment epoch 2, assignor uniform\n/);
    assert.match(describe.stdout, new RegExp(`${a.memberId}\\s+-\\s+2\\s+stable\\s+orders:${a.owned[0]}\\s+-`));
    assert.match(describe.stdout, new RegExp(`${b.memberId}\\s+-\\s+2\\s+stable\\s+orders:${b.owned[0]}\\s+-`));
    assert.match(describe.stdout, new RegExp(`orders\\s+${a.owned[0]}\\s+1\\s+2\\s+1\\n$`));

    const refused = await cli(['group', 'delete', 'billing']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /NON_EMPTY_GROUP|only an empty consumer group can be deleted/);
    await a.leave();
    await b.leave();
    const deleted = await cli(['group', 'delete', 'billing']);
    assert.equal(deleted.code, 0, deleted.stderr);
    const gone = await cli(['group', 'describe', 'billing']);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /consumer group billing does not exist/);
  });

  it('consume --pattern with --group reads every topic whose name matches the RE2 pattern, and refuses it without --group or with a topic', async () => {
    await fx.admin('createTopics', { topics: [{ name: 'orders-eu', partitions: 1 }, { name: 'orders-us', partitions: 1 }] });
    await fx.data('produce', { partitions: [{ topic: 'orders-eu', partition: 0, batch: { records: [{ value: Buffer.from('eu') }] } }] });
    await fx.data('produce', { partitions: [{ topic: 'orders-us', partition: 0, batch: { records: [{ value: Buffer.from('us') }] } }] });
    await fx.data('produce', { partitions: [{ topic: 'orders', partition: 0, batch: { records: [{ value: Buffer.from('not matched') }] } }] });
    const read = await cli(['consume', '--pattern', 'orders-.*', '--group', 'p', '--from-beginning', '--max', '2']);
    assert.equal(read.code, 0, read.stderr);
    assert.deepEqual(read.stdout.trim().split('\n').sort(), ['eu', 'us']);
    assert.match(read.stderr, /consumed 2 records from topics matching 'orders-\.\*'/);
    const noGroup = await cli(['consume', '--pattern', 'orders-.*']);
    assert.equal(noGroup.code, 1);
    assert.match(noGroup.stderr, /--pattern needs --group: the group's coordinator matches the pattern against the topics/);
    const both = await cli(['consume', 'orders', '--pattern', 'orders-.*', '--group', 'p']);
    assert.equal(both.code, 1);
    assert.match(both.stderr, /give a topic or --pattern, not both/);
    const neither = await cli(['consume', '--group', 'p']);
    assert.equal(neither.code, 1);
    assert.match(neither.stderr, /give a topic to read \(sluice consume orders\) or, with --group, --pattern <re2>/);
    const invalid = await cli(['consume', '--pattern', 'orders-(', '--group', 'q', '--timeout-ms', '5000']);
    assert.equal(invalid.code, 1);
    assert.match(invalid.stderr, /not valid RE2 syntax/);
  });

  it('consume --group joins the group, commits as it goes and resumes from the committed offset', async () => {
    await fx.data('produce', { partitions: [{ topic: 'orders', partition: 0, batch: { records: ['a', 'b', 'c'].map((v) => ({ value: Buffer.from(v) })) } }] });
    const first = await cli(['consume', 'orders', '--group', 'g', '--from-beginning', '--max', '2']);
    assert.equal(first.stdout, 'a\nb\n', first.stderr);
    assert.match((await cli(['offsets', 'get', 'g'])).stdout, /orders\s+0\s+2\s+3\s+1/);
    const second = await cli(['consume', 'orders', '--group', 'g', '--max', '1', '--print-offset']);
    assert.equal(second.stdout, '0:2\tc\n', second.stderr);
    // Both left the group when they stopped: it is empty, its offsets kept.
    assert.match((await cli(['group', 'list'])).stdout, /^g\s+empty\s+0$/m);
  });

  it('two consume --group processes split a 6-partition topic and print no record twice', async () => {
    await fx.admin('createTopics', { topics: [{ name: 'jobs', partitions: 6 }] });
    // Each stops after the 9 records of its 3 partitions (a member that printed another's record would stop short of its own).
    const consume = () => cli(['consume', 'jobs', '--group', 'workers', '--from-beginning', '--print-offset', '--max', '9']);
    const a = consume();
    const b = consume();
    await until(async () => {
      const [group] = (await fx.groups('describeGroups', { groupIds: ['workers'] })).groups;
      return group.members.length === 2 && group.state === 4 && group.members.every((m: any) => m.assigned[0]?.partitions.length === 3);
    }, 'two members with 3 partitions each');
    for (let partition = 0; partition < 6; partition++) {
      await fx.data('produce', { partitions: [{ topic: 'jobs', partition, batch: { records: [1, 2, 3].map((i) => ({ value: Buffer.from(`p${partition}-${i}`) })) } }] });
    }
    const [ra, rb] = await Promise.all([a, b]);
    assert.equal(ra.code, 0, ra.stderr);
    assert.equal(rb.code, 0, rb.stderr);
    const lines = (out: string) => out.split('\n').filter((l) => l !== '');
    const partitionsOf = (out: string) => new Set(lines(out).map((l) => Number(l.split(':')[0])));
    assert.equal(partitionsOf(ra.stdout).size, 3, ra.stdout);
    assert.equal(partitionsOf(rb.stdout).size, 3, rb.stdout);
    const all = [...lines(ra.stdout), ...lines(rb.stdout)];
    assert.equal(new Set(all).size, 18);
    assert.equal(all.length, 18);
  });

  it('reset-offsets moves an empty group\'s offsets (dry run first) and is refused while the group has members', async () => {
    await fx.data('produce', { partitions: [{ topic: 'orders', partition: 0, batch: { records: [1, 2, 3, 4, 5].map((i) => ({ value: Buffer.from(String(i)) })) } }] });
    const member = new ThinMember(() => fx.groups, 'audit', 'orders');
    await member.join();
    const refused = await cli(['group', 'reset-offsets', 'audit', 'orders', '--to-latest']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /group 'audit' has members: stop them first/);
    await member.leave();

    const dry = await cli(['group', 'reset-offsets', 'audit', 'orders', '--to-offset', '2', '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^TOPIC\s+PARTITION\s+CURRENT\s+NEW\norders\s+0\s+-\s+2\norders\s+1\s+-\s+2\ndry run: nothing committed\n$/);
    const committed = async () => (await fx.groups('fetchOffsets', { groupId: 'audit', partitions: [{ topic: 'orders', partition: 0 }, { topic: 'orders', partition: 1 }] })).partitions.map((p: any) => p.offset);
    assert.deepEqual(await committed(), [-1, -1]);

    assert.equal((await cli(['group', 'reset-offsets', 'audit', 'orders', '--to-latest'])).code, 0);
    assert.deepEqual(await committed(), [5, 0]);
    const earliest = await cli(['group', 'reset-offsets', 'audit', 'orders', '--to-earliest', '--partition', '0']);
    assert.match(earliest.stdout, /orders\s+0\s+5\s+0\nreset 1 partition of group audit\n$/);
    assert.deepEqual(await committed(), [0, 0]);
    const bad = await cli(['group', 'reset-offsets', 'audit', 'orders', '--to-latest', '--to-earliest']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /give exactly one of --to-earliest/);
  });

  it('refuses --instance-id outside a group it joins, and an empty one, saying what would be right', async () => {
    const alone = await cli(['consume', 'orders', '--instance-id', 'pod-a', '--max', '1']);
    assert.equal(alone.code, 1);
    assert.match(alone.stderr, /--instance-id names this process in a consumer group it joins: use it with --group, without --partition/);
    const assigned = await cli(['consume', 'orders', '--group', 'g', '--partition', '0', '--instance-id', 'pod-a', '--max', '1']);
    assert.equal(assigned.code, 1);
    assert.match(assigned.stderr, /use it with --group, without --partition, --offset or --from-timestamp/);
    const empty = await cli(['consume', 'orders', '--group', 'g', '--instance-id', '', '--max', '1']);
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /--instance-id '' is invalid: give a stable non-empty name/);
  });
});
