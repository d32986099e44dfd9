import { strict as assert } from 'node:assert';
import { scanBatch } from '../../src/protocol/batch-scan';
import { Compression } from '../../src/protocol/compression';
import { FakeBroker } from '../client/fake-broker';
import { sluice } from './run-cli';

describe('sluice CLI (fake broker)', () => {
  let broker: FakeBroker;
  const cli = (args: string[], stdin?: string) => sluice(['--brokers', broker.address, ...args], { stdin });

  beforeEach(async () => {
    broker = await new FakeBroker().start();
  });

  afterEach(async () => {
    await broker.stop();
  });

  it('topic create sends partitions, replication factor and configs', async () => {
    const run = await cli(['topic', 'create', 'orders', '--partitions', '3', '--replication-factor', '1', '--config', 'retention.ms=1000', '--config', 'cleanup.policy=compact']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /created topic 'orders'/);
    const request = broker.requestsOf('createTopics')[0];
    assert.equal(request.topics[0].partitions, 3);
    assert.deepEqual({ ...request.topics[0].configs }, { 'retention.ms': '1000', 'cleanup.policy': 'compact' });
  });

  it('prints one error line and exits non-zero when the broker refuses', async () => {
    broker.createTopic('orders');
    const run = await cli(['topic', 'create', 'orders']);
    assert.equal(run.code, 1);
    assert.equal(run.stderr, "sluice: error: topic 'orders': TOPIC_ALREADY_EXISTS: topic 'orders' already exists\n");
  });

  it('rejects a malformed --config with a clear message', async () => {
    const run = await cli(['topic', 'create', 'x', '--config', 'novalue']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /--config 'novalue' is not key=value/);
  });

  it('topic list, describe, alter, add-partitions and delete', async () => {
    broker.createTopic('a', 2);
    assert.match((await cli(['topic', 'list'])).stdout, /^TOPIC\s+PARTITIONS\s+REPLICATION\s+INTERNAL\na\s+2\s+1/);
    assert.equal((await cli(['topic', 'alter', 'a', '--set', 'retention.ms=5', '--delete', 'x'])).code, 0);
    assert.deepEqual(broker.requestsOf('alterConfigs')[0].delete, ['x']);
    assert.equal((await cli(['topic', 'add-partitions', 'a', '4'])).code, 0);
    const describe = await cli(['topic', 'describe', 'a']);
    assert.match(describe.stdout, /Topic: a {2}partitions: 4/);
    assert.match(describe.stdout, /Topic: a {2}partitions: 4 {2}replication-factor: 1 {2}id: [A-Za-z0-9_-]{22}\n/);
    assert.match(describe.stdout, /PARTITION\s+LEADER\s+REPLICAS/);
    assert.match(describe.stdout, /retention.ms=5/);
    assert.equal((await cli(['topic', 'delete', 'a'])).code, 0);
    assert.equal(broker.topics.has('a'), false);
  });

  it('produces stdin lines with keys and headers, then consumes them as JSON', async () => {
    broker.createTopic('t', 2);
    const produced = await cli(['produce', 't', '--key-separator', ':', '--header', 'src=cli'], 'k1:hello\nk2:world\nk1:again\n');
    assert.equal(produced.code, 0, produced.stderr);
    assert.match(produced.stderr, /produced 3 records to 't'/);
    const consumed = await cli(['consume', 't', '--from-beginning', '--max', '3', '--format', 'json']);
    assert.equal(consumed.code, 0, consumed.stderr);
    const records = consumed.stdout.trim().split('\n').map((line) => JSON.parse(line));
    assert.equal(records.length, 3);
    const values = records.map((r) => `${r.key}:${r.value}`).sort();
    assert.deepEqual(values, ['k1:again', 'k1:hello', 'k2:world']);
    assert.deepEqual(records[0].headers, { src: 'cli' });
    const k1 = records.filter((r) => r.key === 'k1');
    assert.equal(k1[0].partition, k1[1].partition, 'same key, same partition');
  });

  it('produce --compression sends compressed batches that consume reads back, and names the codecs there are', async () => {
    broker.createTopic('t', 1);
    const produced = await cli(['produce', 't', '--compression', 'lz4'], 'one\ntwo\nthree\n');
    assert.equal(produced.code, 0, produced.stderr);
    const stored = broker.partition('t', 0).batches.map((b) => scanBatch(b.bytes));
    assert.deepEqual(stored.map((scan) => scan.ok && scan.summary.compression), stored.map(() => Compression.LZ4));
    const consumed = await cli(['consume', 't', '--from-beginning', '--max', '3']);
    assert.equal(consumed.stdout, 'one\ntwo\nthree\n');
    const wrong = await cli(['produce', 't', '--compression', 'zstd'], 'x\n');
    assert.equal(wrong.code, 1);
    assert.equal(wrong.stderr, "sluice: error: --compression: compression 'zstd' is not one of none, gzip, snappy, lz4 (zstd is not built yet)\n");
  });

  it('consume --timeout-ms stops when idle and --offset starts mid-log', async () => {
    broker.createTopic('t', 1);
    await cli(['produce', 't'], 'a\nb\nc\n');
    const run = await cli(['consume', 't', '--offset', '1', '--timeout-ms', '300']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'b\nc\n');
    assert.match(run.stderr, /consumed 2 records/);
  });

  it('offsets list shows earliest and latest per partition', async () => {
    broker.createTopic('t', 2);
    await cli(['produce', 't', '--partition', '1'], 'x\ny\n');
    const run = await cli(['offsets', 'list', 't']);
    assert.match(run.stdout, /0\s+0\s+0\n1\s+0\s+2/);
  });

  it('an unreachable broker is one error line, not a stack trace', async () => {
    const address = broker.address;
    await broker.stop();
    const run = await sluice(['topic', 'list'], { brokers: address });
    assert.equal(run.code, 1);
    assert.equal(run.stderr.split('\n').filter(Boolean).length, 1);
    assert.match(run.stderr, /^sluice: error: .*unavailable/);
  });
});
