// Clock faults (clock.ts) on loopback, no root needed: under libfaketime a Node 20 process's wall
// clock follows its control file while its monotonic clock stays true, and a cluster whose
// partition leader's clock is stepped forward and back keeps committing acks=all writes, stamping
// them (and its log lines) with the stepped time.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTopic, startCluster, type ClusterHarness } from '../../integration/cluster-harness';
import { until } from '../../until';
import { BrokerClocks, clockFaultsUnavailableBecause } from './clock';

const HOUR_MS = 3_600_000;

/** An idempotent acks=all producer of one record at a time to partition 0, through its leader, telling the append time. */
class RawProducer {
  private sequence = 0;
  private constructor(private readonly cluster: ClusterHarness, private readonly topic: string, private readonly producerId: number) {}

  static async start(cluster: ClusterHarness, topic: string): Promise<RawProducer> {
    return new RawProducer(cluster, topic, await cluster.retry('a producer id', async (id) => (await cluster.call(id, 'sluice.v1.Data', 'initProducer', {})).producerId));
  }

  /** Retries the same sequence until acknowledged; its offset and the leader's append time (its wall clock). */
  send(): Promise<{ offset: number; appendTimeMs: number }> {
    return this.cluster.retry('an acknowledged write', async () => {
      const leader = await this.cluster.leaderOf(this.topic, 0);
      const batch = { baseTimestampMs: Date.now(), producerId: this.producerId, baseSequence: this.sequence, records: [{ value: Buffer.from(`r-${this.sequence}`) }] };
      const response = await this.cluster.call(leader, 'sluice.v1.Data', 'produce', { acks: 0, timeoutMs: 3000, partitions: [{ topic: this.topic, partition: 0, batch }] }, 5000);
      const result = response.partitions[0];
      if (result.errorCode !== 0) throw new Error(`produce answered ${result.errorCode}: ${result.errorMessage}`);
      this.sequence++;
      return { offset: Number(result.baseOffset), appendTimeMs: Number(result.logAppendTimeMs) };
    }, 60_000);
  }
}

describe('chaos clock faults (libfaketime)', function () {
  let dir: string;
  let cluster: ClusterHarness | undefined;
  before(function () {
    const reason = clockFaultsUnavailableBecause();
    if (reason !== undefined) {
      console.log(`      skipped: ${reason}`);
      this.skip();
    }
  });
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sluice-clock-'))));
  afterEach(async () => {
    await cluster?.close();
    cluster = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  /** Date.now() and process.hrtime (CLOCK_MONOTONIC, ms) as a Node process under broker 1's wrapper sees them, less this process's. */
  const clocksOfChild = (clocks: BrokerClocks): { wallAheadMs: number; monotonicAheadMs: number } => {
    const before = { wall: Date.now(), monotonic: Number(process.hrtime.bigint() / 1_000_000n) };
    const [command, ...args] = clocks.wrapperOf(1);
    const [wall, monotonic] = execFileSync(command!, [...args, process.execPath, '-e', 'console.log(Date.now(), Number(process.hrtime.bigint() / 1000000n))'], { encoding: 'utf8' }).trim().split(' ').map(Number);
    return { wallAheadMs: wall! - before.wall, monotonicAheadMs: monotonic! - before.monotonic };
  };

  it("moves a Node process's wall clock by its control file, forward and back, and leaves its monotonic clock true", () => {
    const clocks = new BrokerClocks(dir, [1]);
    clocks.set(1, 3 * HOUR_MS);
    const ahead = clocksOfChild(clocks);
    assert.ok(ahead.wallAheadMs > 2.9 * HOUR_MS && ahead.wallAheadMs < 3.1 * HOUR_MS, `Date.now() 3 h ahead, was ${ahead.wallAheadMs} ms`);
    assert.ok(Math.abs(ahead.monotonicAheadMs) < HOUR_MS, `process.hrtime not moved, was ${ahead.monotonicAheadMs} ms off`);
    clocks.set(1, -2 * HOUR_MS);
    const behind = clocksOfChild(clocks);
    assert.ok(behind.wallAheadMs < -1.9 * HOUR_MS && behind.wallAheadMs > -2.1 * HOUR_MS, `Date.now() 2 h behind, was ${behind.wallAheadMs} ms`);
    assert.ok(Math.abs(behind.monotonicAheadMs) < HOUR_MS, `process.hrtime not moved, was ${behind.monotonicAheadMs} ms off`);
  });

  it('skews a clock: its offset grows at the rate given and stays where the skew ended', async () => {
    const clocks = new BrokerClocks(dir, [1]);
    await clocks.skew(1, 3, 400);
    assert.equal(clocks.offsetOf(1), 800, 'two extra seconds per second for 0.4 s');
    const ahead = clocksOfChild(clocks);
    assert.ok(ahead.wallAheadMs > 0, `the child's wall clock is ahead, was ${ahead.wallAheadMs} ms`);
    await clocks.skew(1, 0.5, 400);
    assert.equal(clocks.offsetOf(1), 600, 'half a second lost per second for 0.4 s');
  });

  it("keeps committing acks=all writes while a partition leader's wall clock is stepped 3 h forward and back, stamping them with its clock", async () => {
    const clocks = new BrokerClocks(dir, [1, 2, 3]);
    cluster = await startCluster(3, { wrapper: (id) => clocks.wrapperOf(id), env: { SLUICE_LOG_LEVEL: 'info' } });
    await createTopic(cluster, 'clocked', 1, 3);
    // The leader balancer hands a partition to its preferred replica (the first): wait for that,
    // so that the broker whose clock is stepped stays the leader.
    const preferred: number = (await cluster.call(1, 'sluice.v1.Admin', 'describeTopics', { names: ['clocked'] })).topics[0].partitions[0].replicas[0];
    const leader = await until(async () => (await cluster!.leaderOf('clocked', 0)) === preferred && preferred, `broker ${preferred}, the preferred replica, to lead clocked/0`);
    const producer = await RawProducer.start(cluster, 'clocked');
    const offsetOfLeaderMs = async (): Promise<number> => (await producer.send()).appendTimeMs - Date.now();

    assert.ok(Math.abs(await offsetOfLeaderMs()) < HOUR_MS, 'true time before the step');
    clocks.set(leader, 3 * HOUR_MS);
    await until(async () => (await offsetOfLeaderMs()) > 2.9 * HOUR_MS, "writes stamped with the leader's clock 3 h ahead");
    // A log line written after the step carries the stepped time (pino's "time"): the stepped
    // broker logs when it becomes leader of a new partition whose preferred replica it is (six
    // partitions, so that the balanced placement makes it the preferred replica of some).
    await createTopic(cluster, 'after-the-step', 6, 3);
    const placed: { replicas: number[] }[] = (await cluster.call(1, 'sluice.v1.Admin', 'describeTopics', { names: ['after-the-step'] })).topics[0].partitions;
    const led = placed.findIndex((p) => p.replicas[0] === leader);
    assert.ok(led >= 0, `broker ${leader} is the preferred replica of a partition of after-the-step: ${JSON.stringify(placed.map((p) => p.replicas))}`);
    await until(async () => (await cluster!.leaderOf('after-the-step', led)) === leader, `broker ${leader} to lead after-the-step/${led}`);
    await until(() => cluster!.processes.get(leader)!.output().split('\n').some((line) => /"time":(\d+)/.exec(line) !== null && Number(/"time":(\d+)/.exec(line)![1]) - Date.now() > 2.9 * HOUR_MS), "a log line of the leader stamped 3 h ahead");
    clocks.set(leader, -3 * HOUR_MS);
    await until(async () => (await offsetOfLeaderMs()) < -2.9 * HOUR_MS, "writes stamped with the leader's clock 3 h behind");
    clocks.reset();
    await until(async () => Math.abs(await offsetOfLeaderMs()) < HOUR_MS, 'writes stamped with the true time again');
  });

  it('reconnects a leader to a follower whose connection broke while the leader\'s clock was 3 h ahead, after the clock is stepped back', async () => {
    const clocks = new BrokerClocks(dir, [1, 2, 3]);
    cluster = await startCluster(3, { wrapper: (id) => clocks.wrapperOf(id) });
    await createTopic(cluster, 'clocked', 1, 3);
    const preferred: number = (await cluster.call(1, 'sluice.v1.Admin', 'describeTopics', { names: ['clocked'] })).topics[0].partitions[0].replicas[0];
    const leader = await until(async () => (await cluster!.leaderOf('clocked', 0)) === preferred && preferred, `broker ${preferred}, the preferred replica, to lead clocked/0`);
    const follower = cluster.ids.find((id) => id !== leader)!;
    const producer = await RawProducer.start(cluster, 'clocked');
    clocks.set(leader, 3 * HOUR_MS);
    await until(async () => (await producer.send()).appendTimeMs - Date.now() > 2.9 * HOUR_MS, "the leader's clock 3 h ahead");
    // The leader's stream to the follower breaks now, on its clock 3 h ahead.
    await cluster.kill(follower, 'SIGKILL');
    await producer.send();
    // Stepped back while the follower is still down: the leader's retries wait out their pause.
    clocks.reset();
    await until(async () => Math.abs((await producer.send()).appendTimeMs - Date.now()) < HOUR_MS, "the leader's clock back to the true time");
    await cluster.start(follower);
    const end = (await producer.send()).offset + 1;
    await until(async () => {
      const described = await cluster!.call(follower, 'sluice.v1.Admin', 'describeTopics', { names: ['clocked'] });
      // A broker just restarted may not know the topic's partitions yet (its metadata catches up).
      return Number(described.topics[0]?.partitions?.[0]?.logEndOffset ?? 0) >= end;
    }, `broker ${follower} to replicate up to offset ${end} from leader ${leader}`);
  });

  it("ends a long-poll fetch at its max wait although the leader's clock stepped back 3 h while it waited", async () => {
    const clocks = new BrokerClocks(dir, [1, 2, 3]);
    cluster = await startCluster(3, { wrapper: (id) => clocks.wrapperOf(id) });
    await createTopic(cluster, 'clocked', 1, 3);
    const preferred: number = (await cluster.call(1, 'sluice.v1.Admin', 'describeTopics', { names: ['clocked'] })).topics[0].partitions[0].replicas[0];
    const leader = await until(async () => (await cluster!.leaderOf('clocked', 0)) === preferred && preferred, `broker ${preferred}, the preferred replica, to lead clocked/0`);
    const producer = await RawProducer.start(cluster, 'clocked');
    clocks.set(leader, 3 * HOUR_MS);
    await until(async () => (await producer.send()).appendTimeMs - Date.now() > 2.9 * HOUR_MS, "the leader's clock 3 h ahead");
    const from = (await producer.send()).offset + 1;
    // The fetch's deadline is taken on the clock 3 h ahead; small writes wake it again and again
    // without reaching its min_bytes, each time after the clock went back 3 h.
    const fetching = cluster.call(leader, 'sluice.v1.Data', 'fetch', { partitions: [{ topic: 'clocked', partition: 0, offset: from }], maxWaitMs: 5000, minBytes: 1 << 20, maxBytes: 4 << 20 }, 60_000);
    let answered = false;
    void fetching.finally(() => (answered = true)).catch(() => undefined);
    clocks.reset();
    while (!answered) await producer.send();
    const fetched = await fetching;
    assert.ok(fetched.partitions[0].batches.length > 0, 'the fetch answered with the small writes it saw');
  });
});
