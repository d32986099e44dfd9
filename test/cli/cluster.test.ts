import { strict as assert } from 'node:assert';
import { formatStatus } from '../../src/cli/commands/cluster';
import { FakeCluster } from '../client/fake-broker';
import { sluice } from './run-cli';

describe('sluice cluster (fake cluster)', () => {
  let cluster: FakeCluster;

  beforeEach(async () => {
    cluster = await FakeCluster.start(3);
    cluster.controllerId = 2;
  });

  afterEach(async () => {
    await cluster.stop();
  });

  it('cluster brokers lists ids, addresses and racks and marks the controller', async () => {
    const run = await sluice(['--brokers', cluster.broker(1).address, 'cluster', 'brokers']);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trim().split('\n');
    assert.equal(lines[0], 'Cluster: fake-cluster');
    assert.match(lines[1]!, /^ID\s+ADDRESS\s+RACK\s+CONTROLLER\s+STATE$/);
    assert.match(lines[3]!, new RegExp(`^2\\s+${cluster.broker(2).address.replace(/\./g, '\\.')}\\s+rack-2\\s+\\*\\s+up$`));
    assert.match(lines[2]!, /^1\s+\S+\s+rack-1\s+up$/);
    assert.equal(lines.length, 5);
  });

  it('cluster status shows partitions with leader, replicas, epoch, high watermark and a summary', async () => {
    cluster.createTopic('orders', 3, [1, 0, 3]);
    cluster.broker(1).partition('orders', 2).nextOffset = 42;
    const run = await sluice(['--brokers', cluster.broker(3).address, 'cluster', 'status']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Cluster: fake-cluster {2}brokers: 3 {2}controller: 2/);
    assert.match(run.stdout, /Topic: orders {2}partitions: 3 {2}replication-factor: 3/);
    assert.match(run.stdout, /\n0\s+1\s+1,2,3\s+-\s+1\s+0\n/);
    assert.match(run.stdout, /\n1\s+none\s+1,2,3\s+-\s+1\s+0\n/);
    assert.match(run.stdout, /\n2\s+3\s+1,2,3\s+-\s+1\s+42\n/);
    assert.match(run.stdout, /Summary: 1 topic\(s\), 3 partition\(s\), 1 without leader, 1 not led by their preferred leader, 0 being moved; leaders per broker: 1=1 2=0 3=1/);
  });

  it('cluster status reaches the cluster through the next broker when the first is down', async () => {
    cluster.createTopic('t', 1);
    await cluster.broker(1).stop();
    const run = await sluice(['--brokers', `${cluster.broker(1).address},${cluster.broker(2).address}`, 'cluster', 'status']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Topic: t/);
  });

  it('shows a broker that does not answer as unreachable', async () => {
    await cluster.broker(3).stop();
    for (const command of ['brokers', 'status']) {
      const run = await sluice(['--brokers', cluster.broker(1).address, 'cluster', command]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /\n1\s+\S+\s+rack-1\s+up\n/);
      assert.match(run.stdout, /\n3\s+\S+\s+rack-3\s+unreachable\n/, run.stdout);
    }
  });

  it('fails with one line when no broker answers', async () => {
    await cluster.stop();
    const run = await sluice(['--brokers', cluster.broker(1).address, 'cluster', 'brokers']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^sluice: error: .*unavailable/);
    assert.equal(run.stderr.trim().split('\n').length, 1);
  });
});

describe('cluster status report', () => {
  it('flags replicas on brokers the cluster does not know', () => {
    const text = formatStatus(
      { clusterId: 'c', controllerId: 0, brokers: [{ id: 1, host: 'h', port: 1, rack: '', draining: true }] },
      [{
        name: 't', internal: false, replicationFactor: 2, configs: {}, topicId: 'eMpzUX3ZTSqGv7Ahjq4_nw',
        partitions: [{ partition: 0, leaderId: 1, replicas: [1, 9], retiring: [4], voters: [1, 4, 9], learners: [], leaderEpoch: 3, logStartOffset: 0, logEndOffset: 0, highWatermark: 0, sizeBytes: 0 }],
      }],
    );
    assert.match(text, /controller: none/);
    assert.match(text, /\n1\s+h:1\s+-\s+draining\n/);
    assert.match(text, /\n0\s+1\s+1,9\?\s+4\s+3\s+0\n/);
    assert.match(text, /1 being moved/);
  });
});
