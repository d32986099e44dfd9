// The partition rules cut what they say and nothing else, on two real namespaces (topology.ts):
// a TCP server in broker 2's namespace is reached from broker 1's and from the root namespace (the
// clients'); "2 drops from 1" cuts broker 1 off while clients still connect; 100% loss cuts the
// clients too; a slow link's token bucket holds a transfer to its rate (tbf on both veth ends),
// gone at the heal; healing restores both; cleanup removes every namespace and link. Skipped (saying
// why) when the machine cannot make namespaces (not root, no nft).
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { applyNetwork, healNetwork, NetworkState } from './partitions';
import { addressOf, cleanUp, createTopology, interfaceOf, namespaceOf, PREFIX, rootEndOf, unavailableBecause } from './topology';
import { until } from '../../until';

const PORT = 7000;
/** How long a probe waits for the server's greeting: a dropped SYN is retried after 1 s. */
const PROBE_TIMEOUT_MS = 2500;
const PROBE = `const s=require('net').connect(${PORT},'${addressOf(2)}');s.setTimeout(${PROBE_TIMEOUT_MS},()=>process.exit(2));s.on('data',()=>process.exit(0));s.on('error',()=>process.exit(1))`;

/** Whether a connection to broker 2's server gets its greeting: from broker 1's namespace, or the root's. */
function reaches(from: 'broker 1' | 'client'): boolean {
  const command = from === 'client' ? [process.execPath, '-e', PROBE] : ['ip', 'netns', 'exec', namespaceOf(1), process.execPath, '-e', PROBE];
  return spawnSync(command[0]!, command.slice(1)).status === 0;
}

describe('chaos network partitions (network namespaces, nftables)', function () {
  // createTopology waits for another worktree's chaos run to release the machine's lock.
  this.timeout(20 * 60_000);
  let server: ChildProcess | undefined;
  let removeTopology: (() => void) | undefined;

  before(async function () {
    const why = unavailableBecause();
    if (why !== undefined) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
    removeTopology = await createTopology(2);
    server = spawn('ip', ['netns', 'exec', namespaceOf(2), process.execPath, '-e', `require('net').createServer((s)=>s.end('hi')).listen(${PORT},'${addressOf(2)}')`], { stdio: 'ignore' });
    await until(() => reaches('client'), 'the server in broker 2\'s namespace to answer', { maxWaitMs: 20_000, intervalMs: 100 });
  });

  after(() => {
    server?.kill('SIGKILL');
    removeTopology?.();
  });

  it('connects a broker namespace to another and the clients to both', () => {
    assert.equal(reaches('broker 1'), true);
    assert.equal(reaches('client'), true);
  });

  it('cuts broker 1 off from broker 2 by source address and leaves the clients connected', () => {
    const state = new NetworkState([1, 2]);
    state.drop(1, 2);
    applyNetwork(state);
    assert.equal(reaches('broker 1'), false);
    assert.equal(reaches('client'), true);
    healNetwork([1, 2]);
    assert.equal(reaches('broker 1'), true);
  });

  it('drops every packet at 100% loss, clients included, until healed', () => {
    const state = new NetworkState([1, 2]);
    state.loss(2, 100);
    applyNetwork(state);
    assert.equal(reaches('client'), false);
    healNetwork([1, 2]);
    assert.equal(reaches('client'), true);
  });

  it('limits a broker\'s link to its rate, both veth ends, until healed', async () => {
    const state = new NetworkState([1, 2]);
    state.limit(2, 1024);
    applyNetwork(state);
    const qdiscs = (): string => spawnSync('ip', ['netns', 'exec', namespaceOf(2), 'tc', 'qdisc', 'show', 'dev', interfaceOf(2)], { encoding: 'utf8' }).stdout
      + spawnSync('tc', ['qdisc', 'show', 'dev', rootEndOf(2)], { encoding: 'utf8' }).stdout;
    assert.equal(qdiscs().match(/qdisc tbf .* rate 1024Kbit/g)?.length, 2, qdiscs());
    // 600 KB from the client through a 1024 kbit/s (128 KB/s) bucket with a 32 KB burst cannot take less than (600 - 32) / 128 s.
    const bytes = 600 * 1024;
    const sink = `const s=require('net').connect(${PORT + 1},'${addressOf(2)}');s.on('connect',()=>{const t=process.hrtime.bigint();s.end(Buffer.alloc(${bytes}));s.on('close',()=>{console.log(Number(process.hrtime.bigint()-t)/1e6)})});s.on('error',()=>process.exit(1))`;
    const receiver = spawn('ip', ['netns', 'exec', namespaceOf(2), process.execPath, '-e', `require('net').createServer((s)=>{s.resume();s.on('end',()=>s.end())}).listen(${PORT + 1},'${addressOf(2)}')`], { stdio: 'ignore' });
    try {
      const elapsedMs = await until(() => {
        const sent = spawnSync(process.execPath, ['-e', sink], { encoding: 'utf8' });
        return sent.status === 0 ? Number(sent.stdout.trim()) : undefined;
      }, 'a transfer through the slow link (the receiver to listen)', { maxWaitMs: 60_000, intervalMs: 100 });
      const floorMs = ((bytes - 32 * 1024) / (128 * 1024)) * 1000;
      assert.ok(elapsedMs >= floorMs, `600 KB took ${elapsedMs} ms, less than the bucket allows (${floorMs} ms)`);
    } finally {
      receiver.kill('SIGKILL');
    }
    healNetwork([1, 2]);
    assert.doesNotMatch(qdiscs(), /tbf/);
  });

  it('removes every namespace and link it made, and kills what ran inside', () => {
    cleanUp();
    const left = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout + spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
    assert.doesNotMatch(left, new RegExp(`${PREFIX}-`));
    assert.equal(reaches('client'), false);
  });
});
