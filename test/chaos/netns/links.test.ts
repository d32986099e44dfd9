// The link proxies in place (links.ts), on two real namespaces: a server in broker 2's namespace
// greets every connection. Broker 1's connections to it pass through the proxy in broker 2's
// namespace (the nat redirect), so a stall of link 1→2 silences them while the clients' (root
// namespace, never proxied) still get the greeting; a reset refuses them with an RST; healing
// restores them; the proxy runs inside the namespace, so the topology's cleanup kills it. Skipped
// (saying why) when the machine cannot make namespaces (not root, no nft).
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { LinkProxies } from './links';
import { addressOf, cleanUp, createTopology, namespaceOf, unavailableBecause } from './topology';
import { until } from '../../until';

const PORT = 7100;
/** How long a probe waits for the greeting: a stalled connection never gets it. */
const PROBE_TIMEOUT_MS = 2500;
const PROBE = `const s=require('net').connect(${PORT},'${addressOf(2)}');s.setTimeout(${PROBE_TIMEOUT_MS},()=>process.exit(2));s.on('data',()=>process.exit(0));s.on('error',(e)=>{console.log(e.code);process.exit(1)})`;

/** How a connection to broker 2's server goes: 'greeted', 'silent' (no greeting, still open) or the error's code. */
function probe(from: 'broker 1' | 'client'): string {
  const command = from === 'client' ? [process.execPath, '-e', PROBE] : ['ip', 'netns', 'exec', namespaceOf(1), process.execPath, '-e', PROBE];
  const result = spawnSync(command[0]!, command.slice(1), { encoding: 'utf8' });
  return result.status === 0 ? 'greeted' : result.status === 2 ? 'silent' : result.stdout.trim();
}

describe('chaos link proxies (network namespaces, nftables nat)', function () {
  // createTopology waits for another worktree's chaos run to release the machine's lock.
  this.timeout(20 * 60_000);
  let server: ChildProcess | undefined;
  let removeTopology: (() => void) | undefined;
  let links: LinkProxies | undefined;

  before(async function () {
    const why = unavailableBecause();
    if (why !== undefined) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
    removeTopology = await createTopology(2);
    server = spawn('ip', ['netns', 'exec', namespaceOf(2), process.execPath, '-e', `require('net').createServer((s)=>{s.on('error',()=>{});s.write('hi')}).listen(${PORT},'${addressOf(2)}')`], { stdio: 'ignore' });
    await until(() => probe('client') === 'greeted', 'the server in broker 2\'s namespace to answer', { maxWaitMs: 20_000, intervalMs: 100 });
    links = await LinkProxies.start([1, 2], PORT, 1);
  });

  after(() => {
    links?.stop();
    server?.kill('SIGKILL');
    removeTopology?.();
  });

  it('passes broker 1\'s connections through the proxy untouched when healed', () => {
    assert.equal(probe('broker 1'), 'greeted');
  });

  it('stalls broker 1\'s connections to broker 2, not the clients\', until healed', async () => {
    await links!.set(1, 2, { kind: 'stall' });
    assert.equal(probe('broker 1'), 'silent');
    assert.equal(probe('client'), 'greeted');
    await links!.heal();
    assert.equal(probe('broker 1'), 'greeted');
  });

  it('resets broker 1\'s connections to broker 2 with an RST while the reset lasts', async () => {
    await links!.set(1, 2, { kind: 'reset' });
    assert.equal(probe('broker 1'), 'ECONNRESET');
    await links!.heal();
    assert.equal(probe('broker 1'), 'greeted');
  });

  it('runs the proxies inside the namespaces, so cleanup kills them', async () => {
    const inside = spawnSync('ip', ['netns', 'pids', namespaceOf(2)], { encoding: 'utf8' }).stdout.split('\n').filter((p) => /^\d+$/.test(p));
    const proxies = inside.filter((pid) => spawnSync('cat', [`/proc/${pid}/cmdline`], { encoding: 'utf8' }).stdout.includes('link-proxy-main'));
    assert.equal(proxies.length, 1, `one proxy process in ${namespaceOf(2)}`);
    cleanUp();
    const gone = (): boolean => {
      try {
        process.kill(Number(proxies[0]), 0);
        return false;
      } catch {
        return true;
      }
    };
    await until(gone, `the proxy (pid ${proxies[0]}) to be gone after cleanup`, { maxWaitMs: 10_000 });
  });
});
