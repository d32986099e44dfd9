// `sluice consume` mistakes answered in the CLI's own terms, at once (no retries of what cannot succeed).
import { strict as assert } from 'node:assert';
import { SluiceClient } from '../../src/client';
import { FakeBroker } from '../client/fake-broker';
import { sluice } from './run-cli';

describe('sluice consume errors (fake broker)', () => {
  let broker: FakeBroker;
  const cli = (args: string[], stdin?: string) => sluice(['--brokers', broker.address, ...args], { stdin });

  beforeEach(async () => {
    broker = await new FakeBroker().start();
    broker.createTopic('t', 1);
    const produced = await cli(['produce', 't'], 'a\nb\n');
    assert.equal(produced.code, 0, produced.stderr);
  });

  afterEach(async () => {
    await broker.stop();
  });

  it('--offset past the end names the offsets there are and the flags to use', async () => {
    const run = await cli(['consume', 't', '--offset', '9', '--timeout-ms', '5000']);
    assert.equal(run.code, 1);
    assert.equal(run.stderr, "sluice: error: --offset 9 is out of range for t/0: it holds offsets 0..1 (the next record gets 2): use --offset from 0 to 2, --from-beginning, or no start flag for new records only\n");
  });

  it('--partition the topic does not have fails at once, without fetching', async () => {
    const run = await cli(['consume', 't', '--partition', '7', '--timeout-ms', '5000']);
    assert.equal(run.code, 1);
    assert.equal(run.stderr, "sluice: error: --partition 7: topic 't' has partitions 0..0\n");
    assert.equal(broker.requestsOf('fetch').length, 0);
  });
});

describe('sluice offsets get (fake broker)', () => {
  let broker: FakeBroker;
  const cli = (args: string[]) => sluice(['--brokers', broker.address, ...args]);

  beforeEach(async () => {
    broker = await new FakeBroker().start();
    broker.createTopic('t', 2);
  });

  afterEach(async () => {
    await broker.stop();
  });

  it('tells a commit of offset 0 from a partition never committed', async () => {
    const client = new SluiceClient({ brokers: [broker.address] });
    try {
      const consumer = client.consumer({ groupId: 'g' });
      await consumer.connect();
      await consumer.commit([{ topic: 't', partition: 0, offset: 0 }]);
    } finally {
      await client.close();
    }
    const run = await cli(['offsets', 'get', 'g', 't']);
    assert.equal(run.code, 0, run.stderr);
    const rows = run.stdout.trim().split('\n').slice(1).map((line) => line.split(/\s+/));
    assert.deepEqual(rows.map((r) => [r[0], r[1], r[2]]), [['t', '0', '0'], ['t', '1', '-']]);
  });

  it('says so for a group that has committed nothing', async () => {
    const run = await cli(['offsets', 'get', 'nobody']);
    assert.equal(run.code, 1);
    assert.equal(run.stderr, "sluice: error: group 'nobody' has no committed offsets: a group is known once it commits (sluice offsets list-groups lists them)\n");
  });
});
