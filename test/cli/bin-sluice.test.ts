// bin/sluice starts node with the broker's V8 flags (src/common/broker-node-flags.ts): the
// process a user or a script starts with `bin/sluice broker` must be that node, flags included.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BROKER_NODE_FLAGS } from '../../src/common/broker-node-flags';
import { type BrokerProcess, startBrokerProcess } from '../integration/broker-process';

describe('bin/sluice', () => {
  it('runs the broker as the node process it starts, with the broker V8 flags', async function () {
    this.timeout(30_000);
    const dataDir = mkdtempSync(join(tmpdir(), 'sluice-bin-'));
    let broker: BrokerProcess | undefined;
    try {
      broker = await startBrokerProcess(dataDir, [], { launcher: 'bin' });
      // The pid we hold (what scripts/cluster.sh records and kill -9 hits) is node itself.
      const argv = readFileSync(`/proc/${broker.child.pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
      assert.match(argv[0]!, /node$/);
      for (const flag of BROKER_NODE_FLAGS) assert.ok(argv.includes(flag), `${flag} missing from ${argv.join(' ')}`);
      assert.ok(argv.indexOf(BROKER_NODE_FLAGS[0]!) < argv.findIndex((a) => a.endsWith('bin/sluice')), 'the flags go to node, not to the CLI');
    } finally {
      await broker?.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
