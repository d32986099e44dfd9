// The chaos suite's network (docs/chaos.md): one Linux network namespace per broker, each with its
// own address on a veth pair whose other end is joined to a bridge this suite creates; the
// bridge's own address is the clients' (they run in the root namespace). Every namespace and link
// name starts with PREFIX, so cleanup removes exactly what this suite (or a killed earlier run of
// it) created and nothing else. Needs root, `ip` (iproute2) and `nft` (nftables).
import { execFileSync, spawnSync } from 'node:child_process';
import { tryLockNetwork, unlockNetwork } from './lock';
import { until } from '../../until';

export const PREFIX = 'slch';
export const BRIDGE = `${PREFIX}-br`;
/** The clients' address (the bridge's) and the brokers' subnet: broker `id` is SUBNET.(10 + id). */
export const SUBNET = '10.77.0';
export const CLIENT_ADDRESS = `${SUBNET}.1`;

export const namespaceOf = (id: number): string => `${PREFIX}-b${id}`;
/** The veth end inside broker `id`'s namespace (its only interface besides lo). */
export const interfaceOf = (id: number): string => `${PREFIX}-p${id}`;
/** The veth end in the root namespace, on the bridge: what leaves it goes to broker `id`. */
export const rootEndOf = (id: number): string => `${PREFIX}-v${id}`;
export const addressOf = (id: number): string => {
  if (!Number.isInteger(id) || id < 1 || id > 200) throw new Error(`broker id ${id} has no address: use 1..200`);
  return `${SUBNET}.${10 + id}`;
};

function run(command: string, args: readonly string[], input?: string): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`${command} ${args.join(' ')} failed: ${stderr.trim() || (error as Error).message}`);
  }
}

/** Runs `command` inside broker `id`'s namespace. */
export function inNamespace(id: number, command: string, args: readonly string[], input?: string): string {
  return run('ip', ['netns', 'exec', namespaceOf(id), command, ...args], input);
}

/**
 * Why this machine cannot run the suite, or undefined when it can: root, `ip netns`, `nft`, and
 * creating (then removing) a namespace all work.
 */
export function unavailableBecause(): string | undefined {
  if (process.platform !== 'linux') return `network namespaces are Linux only (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'creating network namespaces and nftables rules needs root';
  for (const [tool, pkg] of [['ip', 'iproute2'], ['nft', 'nftables']] as const) {
    if (spawnSync(tool, ['-V'], { stdio: 'ignore' }).error) return `'${tool}' is missing (Debian package ${pkg}; scripts/ensure-test-packages.sh installs it)`;
  }
  const probe = `${PREFIX}-probe`;
  const added = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
  if (added.status !== 0) return `'ip netns add' failed: ${added.stderr.trim()}`;
  const nft = spawnSync('ip', ['netns', 'exec', probe, 'nft', 'list', 'ruleset'], { encoding: 'utf8' });
  spawnSync('ip', ['netns', 'del', probe]);
  if (nft.status !== 0) return `nft does not work in a namespace: ${nft.stderr.trim()}`;
  return undefined;
}

/** Our namespaces that exist now (a killed earlier run may have left some). */
function ourNamespaces(): string[] {
  return run('ip', ['netns', 'list'])
    .split('\n')
    .map((line) => line.split(' ')[0]!)
    .filter((name) => name.startsWith(`${PREFIX}-`));
}

/**
 * Removes everything a run of this suite may have left: processes inside our namespaces (brokers
 * of a killed run: kill -9, each by pid), the namespaces (their nftables rules and veth ends go
 * with them), the bridge and any veth end left in the root namespace. Safe to call at any time.
 */
export function cleanUp(): string[] {
  const removed: string[] = [];
  for (const namespace of ourNamespaces()) {
    const pids = spawnSync('ip', ['netns', 'pids', namespace], { encoding: 'utf8' }).stdout.split('\n').filter((p) => /^\d+$/.test(p));
    for (const pid of pids) {
      try {
        process.kill(Number(pid), 'SIGKILL');
        removed.push(`process ${pid} in ${namespace}`);
      } catch {
        // Already gone.
      }
    }
    spawnSync('ip', ['netns', 'del', namespace]);
    removed.push(`namespace ${namespace}`);
  }
  const links = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout.split('\n')
    .map((line) => /^\d+: ([^:@]+)/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined && name.startsWith(`${PREFIX}-`));
  for (const link of links) {
    spawnSync('ip', ['link', 'del', link]);
    removed.push(`link ${link}`);
  }
  return removed;
}

/**
 * Creates the bridge and brokers 1..count's namespaces (after cleaning up leftovers), each with
 * an nftables table `inet <PREFIX>` that the nemeses fill (partitions.ts). First waits (up to
 * `lockWaitMs`) for the machine's chaos lock (lock.ts): another worktree's run is never torn
 * down. Returns a function that removes it all and releases the lock; call it in a finally, and
 * on signals (see removeOnExit).
 */
export async function createTopology(count: number, lockWaitMs = 15 * 60_000): Promise<() => void> {
  let heldBy = 0;
  await until(() => {
    const lock = tryLockNetwork();
    if (!lock.locked) heldBy = lock.heldBy;
    return lock.locked;
  }, `the chaos network lock (held by pid ${heldBy}: another chaos run or smoke on this machine)`, { maxWaitMs: lockWaitMs, intervalMs: 1000 });
  cleanUp();
  try {
    run('ip', ['link', 'add', BRIDGE, 'type', 'bridge']);
    run('ip', ['addr', 'add', `${CLIENT_ADDRESS}/24`, 'dev', BRIDGE]);
    run('ip', ['link', 'set', BRIDGE, 'up']);
    for (let id = 1; id <= count; id++) {
      const namespace = namespaceOf(id);
      run('ip', ['netns', 'add', namespace]);
      run('ip', ['link', 'add', rootEndOf(id), 'type', 'veth', 'peer', 'name', interfaceOf(id)]);
      run('ip', ['link', 'set', interfaceOf(id), 'netns', namespace]);
      run('ip', ['link', 'set', rootEndOf(id), 'master', BRIDGE]);
      run('ip', ['link', 'set', rootEndOf(id), 'up']);
      inNamespace(id, 'ip', ['link', 'set', 'lo', 'up']);
      inNamespace(id, 'ip', ['addr', 'add', `${addressOf(id)}/24`, 'dev', interfaceOf(id)]);
      inNamespace(id, 'ip', ['link', 'set', interfaceOf(id), 'up']);
    }
  } catch (error) {
    cleanUp();
    unlockNetwork();
    throw error;
  }
  return () => {
    cleanUp();
    unlockNetwork();
  };
}

/**
 * Runs `remove` when the process exits or is interrupted (SIGINT, SIGTERM, SIGHUP), so a run
 * stopped with ^C leaves nothing behind. kill -9 cannot be caught: the next run's cleanUp handles that.
 */
export function removeOnExit(remove: () => void): () => void {
  const onSignal = (signal: NodeJS.Signals): void => {
    remove();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('exit', remove);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, onSignal);
  return () => {
    process.off('exit', remove);
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(signal, onSignal);
  };
}
