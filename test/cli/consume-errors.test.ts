// `sluice consume` mistakes answered in the CLI's own terms, at once (no retries of what cannot succeed).
import { strict as assert } from 'node:assert';
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
