// The Python example (examples/python) is a client made from nothing but proto/ with stock
// protoc and Debian's grpcio: run against a real broker, and against a cluster whose partitions
// are led elsewhere (it must follow NOT_LEADER), it must print what it did.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { FakeCluster } from '../client/fake-broker';
import { startBrokerFixture, type BrokerFixture } from '../broker/broker-fixture';
import { PYTHON_WITH_GRPC } from './debian-python';
import { runToExit } from '../run-to-exit';

const EXAMPLE = resolve(__dirname, '../../../examples/python');
const PYTHON = PYTHON_WITH_GRPC;

const runExample = (address: string, topic: string) => runToExit(PYTHON!, [resolve(EXAMPLE, 'sluice_example.py'), address, topic]);

describe('examples/python against a broker', function () {
  this.timeout(120_000);

  before(function () {
    const missing = PYTHON === undefined ? 'python3 with grpc and protobuf (apt-get install python3-grpcio python3-protobuf)' : undefined;
    let why = missing;
    if (why === undefined) {
      try {
        execFileSync(resolve(EXAMPLE, 'generate.sh'), { stdio: 'pipe' });
      } catch (error) {
        why = `its stubs could not be generated (apt-get install protobuf-compiler protobuf-compiler-grpc): ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}`;
      }
    }
    if (why !== undefined) {
      console.log(`      skipped: the Python example needs ${why}`);
      this.skip();
    }
  });

  let fx: BrokerFixture | undefined;
  let cluster: FakeCluster | undefined;
  afterEach(async () => {
    await fx?.close();
    await cluster?.stop();
    fx = undefined;
    cluster = undefined;
  });

  it('creates, produces by key, subscribes from 0, replays from a time and commits group offsets', async () => {
    fx = await startBrokerFixture();
    const run = await runExample(fx.address, 'py');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, [
      'create py: NONE',
      'produced alice:book to partition 0 at offset 0',
      'produced carol:lamp to partition 2 at offset 0',
      'produced alice:pen to partition 0 at offset 1',
      'produced dave:mug to partition 1 at offset 0',
      'consumed 0:0 alice:book',
      'consumed 0:1 alice:pen',
      'consumed 1:0 dave:mug',
      'consumed 2:0 carol:lamp',
      ...run.stdout.split('\n').filter((line) => line.startsWith('replayed ')),
      'committed: NONE, NONE, NONE',
      'group offset py/0 = 2',
      'group offset py/1 = 1',
      'group offset py/2 = 1',
      '',
    ].join('\n'));
    assert.match(run.stdout, /^replayed 4 records from \d+$/m);
  });

  it('follows NOT_LEADER to the leader a broker names', async () => {
    cluster = await FakeCluster.start(2);
    cluster.defaultLeaderId = 2; // the example bootstraps from broker 1
    const run = await runExample(cluster.broker(1).address, 'led-elsewhere');
    assert.match(run.stdout, new RegExp(`not the leader of led-elsewhere/0: following ${cluster.broker(2).address.replace(/\./g, '\\.')}`));
    assert.match(run.stdout, /produced alice:book to partition 0 at offset 0/);
    assert.ok(cluster.requestsOf('produce', 2).length >= 4, 'every record went to the leader');
  });
});
