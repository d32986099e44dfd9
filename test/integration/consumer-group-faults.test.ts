// Consumer-group faults with real consumer processes (`sluice consume --group`) against a broker:
// kill -9 of a member hands its partitions to the other after the session timeout; a member
// paused (SIGSTOP) past its session is fenced, and once resumed rejoins the group, while the
// group's committed offsets never go backwards; a rolling restart of static members (--instance-id)
// causes no rebalance.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { resolve } from 'node:path';
import { ConsumerGroupState } from '../../src/protocol/generated/sluice/v1/ConsumerGroupState';
import { startBrokerFixture, type BrokerFixture } from '../broker/broker-fixture';
import { until } from '../until';

const CLI = resolve(__dirname, '../../src/cli/main.js');
const TOPIC = 'jobs';
const GROUP = 'workers';

interface ConsumerProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** Values printed so far. */
  printed(): string[];
  /** What it wrote to stderr (its errors and log lines), for a failure's message. */
  errors(): string;
}

function startConsumer(address: string, extra: readonly string[]): ConsumerProcess {
  const child = spawn(process.execPath, [CLI, '--brokers', address, 'consume', TOPIC, '--group', GROUP, '--from-beginning', ...extra], { env: { ...process.env, SLUICE_LOG_LEVEL: process.env.SLUICE_LOG_LEVEL ?? 'warn' } });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  child.stderr.on('data', (chunk) => (err += chunk));
  return { child, printed: () => out.split('\n').filter((l) => l !== ''), errors: () => err };
}

describe('consumer groups: faults of consumer processes (sluice consume --group)', function () {
  let fx: BrokerFixture;
  const consumers: ConsumerProcess[] = [];
  beforeEach(async () => {
    fx = await startBrokerFixture({ groupSessionTimeoutMs: 2_000, groupHeartbeatIntervalMs: 200 });
    await fx.admin('createTopics', { topics: [{ name: TOPIC, partitions: 4 }] });
  });
  afterEach(async () => {
    for (const c of consumers.splice(0)) {
      c.child.kill('SIGCONT');
      c.child.kill('SIGKILL');
    }
    await fx.close();
  });

  const describeGroup = async () => (await fx.groups('describeGroups', { groupIds: [GROUP] })).groups[0];
  const stableWith = (members: number) => async () => {
    const g = await describeGroup();
    return g.state === ConsumerGroupState.CONSUMER_GROUP_STATE_STABLE && g.members.length === members && g.members.every((m: any) => m.assigned.length > 0);
  };
  const produceOnEach = async (tag: string) => {
    for (let partition = 0; partition < 4; partition++) {
      await fx.data('produce', { partitions: [{ topic: TOPIC, partition, batch: { records: [{ value: Buffer.from(`${tag}-p${partition}`) }] } }] });
    }
  };
  const start = (extra: readonly string[] = []) => {
    const c = startConsumer(fx.address, extra);
    consumers.push(c);
    return c;
  };

  it('hands a kill -9\'d member\'s partitions to the other after the session timeout', async () => {
    const a = start();
    const b = start();
    await until(stableWith(2), 'two members sharing the partitions');
    a.child.kill('SIGKILL');
    await until(stableWith(1), 'the survivor alone in the group');
    const [group] = [await describeGroup()];
    assert.deepEqual(group.members[0].assigned[0].partitions, [0, 1, 2, 3]);
    await produceOnEach('after');
    await until(() => ['after-p0', 'after-p1', 'after-p2', 'after-p3'].every((v) => b.printed().includes(v)), 'the survivor to print a record of every partition');
  });

  it('fences a member paused past its session; resumed, it rejoins, and committed offsets never go backwards', async () => {
    const a = start();
    const b = start();
    await until(stableWith(2), 'two members sharing the partitions');
    const highest = new Map<number, number>();
    let backwards: string | undefined;
    const watch = setInterval(() => {
      void fx.groups('fetchOffsets', { groupId: GROUP, partitions: [] }).then((r: any) => {
        for (const p of r.partitions) {
          if (p.offset < (highest.get(p.partition) ?? -1)) backwards ??= `partition ${p.partition}: ${highest.get(p.partition)} then ${p.offset}`;
          highest.set(p.partition, Math.max(p.offset, highest.get(p.partition) ?? -1));
        }
      }, () => undefined);
    }, 50);
    try {
      await produceOnEach('before');
      await until(() => a.printed().length + b.printed().length >= 4, 'the first records printed');
      a.child.kill('SIGSTOP');
      await until(stableWith(1), 'the paused member removed');
      await produceOnEach('paused');
      await until(() => ['paused-p0', 'paused-p1', 'paused-p2', 'paused-p3'].every((v) => b.printed().includes(v)), 'the other member to print every partition');
      a.child.kill('SIGCONT');
      await until(stableWith(2), 'the resumed member back in the group');
      await produceOnEach('resumed');
      await until(() => ['resumed-p0', 'resumed-p1', 'resumed-p2', 'resumed-p3'].every((v) => a.printed().includes(v) || b.printed().includes(v)), 'every partition printed after the rejoin').catch(async (error: Error) => {
        throw new Error(`${error.message}; group ${JSON.stringify(await describeGroup())}; a printed ${a.printed().join(',')} and logged ${a.errors()}; b printed ${b.printed().join(',')} and logged ${b.errors()}`);
      });
      // Committed offsets reach the end of every partition (3 records each) and never went back.
      await until(async () => {
        const r = await fx.groups('fetchOffsets', { groupId: GROUP, partitions: [] });
        return r.partitions.length === 4 && r.partitions.every((p: any) => p.offset === 3);
      }, 'every partition committed up to its end');
    } finally {
      clearInterval(watch);
    }
    assert.equal(backwards, undefined, backwards);
  });

  it('restarts static members one after the other (SIGTERM, same --instance-id) with no rebalance and no record printed twice', async () => {
    const running = new Map([['pod-a', start(['--instance-id', 'pod-a'])], ['pod-b', start(['--instance-id', 'pod-b'])]]);
    const all = [...running.values()];
    await until(stableWith(2), 'two static members sharing the partitions');
    const before = await describeGroup();
    const holdings = (g: any) => Object.fromEntries(g.members.map((m: any) => [m.instanceId, [m.memberEpoch, JSON.stringify(m.assigned)]]));
    const printedByAll = () => all.flatMap((c) => c.printed());
    await produceOnEach('before');
    await until(() => printedByAll().length >= 4, 'the first records printed');
    for (const instance of ['pod-a', 'pod-b']) {
      const old = running.get(instance)!;
      const exited = new Promise((resolve) => old.child.once('exit', resolve));
      old.child.kill('SIGTERM');
      await exited;
      const restarted = start(['--instance-id', instance]);
      running.set(instance, restarted);
      all.push(restarted);
      // Records produced now reach every partition: the restarted member must print its own.
      await produceOnEach(`after-${instance}`);
      await until(() => [0, 1, 2, 3].every((p) => printedByAll().includes(`after-${instance}-p${p}`)), `every partition printed after ${instance} restarted`).catch(async (error: Error) => {
        throw new Error(`${error.message}; group ${JSON.stringify(await describeGroup())}; ${all.map((c) => `printed ${c.printed().join(',')} logged ${c.errors()}`).join('; ')}`);
      });
      const after = await describeGroup();
      assert.equal(after.groupEpoch, before.groupEpoch, `the group epoch moved when ${instance} restarted`);
      assert.deepEqual(holdings(after), holdings(before), `members' epochs or partitions changed when ${instance} restarted`);
    }
    const printed = printedByAll();
    assert.equal(new Set(printed).size, printed.length, `a record printed twice: ${printed.join(',')}`);
    assert.equal(printed.length, 12);
  });
});
