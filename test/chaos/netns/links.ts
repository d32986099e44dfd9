// The TCP proxies every peer connection passes through in a chaos run that degrades links
// (docs/chaos.md, "Degraded links"). Brokers dial each other's address and port from the cluster
// file; inside each broker's namespace an nftables nat rule redirects connections that come from
// peer P to that port to a local proxy port (PROXY_PORT_BASE + P), where link-proxy-main.ts
// (started with `ip netns exec`, so the topology's cleanup kills it with the namespace's other
// processes) forwards them to the broker. So the connections P dials to B can be delayed,
// stalled, reset or half-opened on their own, without changing the broker. Clients' connections
// come from another address and are never proxied. The proxies pass bytes untouched when healed.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { LinkFault } from './link-proxy';
import { addressOf, inNamespace, namespaceOf, PREFIX } from './topology';

/** Connections from peer P to a broker are redirected to this port + P in the broker's namespace. */
const PROXY_PORT_BASE = 19_000;
const TABLE = `${PREFIX}-links`;
const ANSWER_WITHIN_MS = 10_000;

/** The nat rules of broker `id`'s namespace: every peer's connections to `port` go to its proxy. */
export function redirectRules(id: number, peers: readonly number[], port: number): string {
  return [
    `table ip ${TABLE}`,
    `delete table ip ${TABLE}`,
    `table ip ${TABLE} {`,
    '  chain prerouting {',
    '    type nat hook prerouting priority dstnat; policy accept;',
    ...peers.filter((p) => p !== id).map((p) => `    ip saddr ${addressOf(p)} tcp dport ${port} redirect to :${PROXY_PORT_BASE + p}`),
    '  }',
    '}',
    '',
  ].join('\n');
}

/** One broker namespace's proxy process and its control channel. */
class ProxyProcess {
  private readonly waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  private nextId = 1;
  private exit: string | undefined;
  readonly ready: Promise<void>;

  constructor(readonly id: number, private readonly child: ChildProcess) {
    let becameReady: () => void = () => undefined;
    let failed: (error: Error) => void = () => undefined;
    this.ready = new Promise((resolve, reject) => { becameReady = resolve; failed = reject; });
    let stderr = '';
    child.stderr!.on('data', (chunk) => { stderr = (stderr + chunk.toString()).slice(-500); });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const message = JSON.parse(line) as { ready?: unknown; id?: number; ok?: boolean; error?: string };
      if (message.ready !== undefined) becameReady();
      const waiter = this.waiting.get(message.id ?? 0);
      if (!waiter) return;
      this.waiting.delete(message.id!);
      if (message.ok === true) waiter.resolve();
      else waiter.reject(new Error(`the link proxy in ${namespaceOf(id)} refused: ${message.error}`));
    });
    child.on('exit', (code, signal) => {
      this.exit = `the link proxy in ${namespaceOf(id)} exited (${signal ?? `code ${code}`})${stderr ? `: ${stderr.trim()}` : ''}`;
      failed(new Error(this.exit));
      for (const waiter of this.waiting.values()) waiter.reject(new Error(this.exit));
      this.waiting.clear();
    });
  }

  /** Sets the fault of the connections `peer` dials to this broker. */
  set(peer: number, fault: LinkFault): Promise<void> {
    if (this.exit !== undefined) return Promise.reject(new Error(this.exit));
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`the link proxy in ${namespaceOf(this.id)} did not answer within ${ANSWER_WITHIN_MS} ms`));
      }, ANSWER_WITHIN_MS);
      this.waiting.set(id, { resolve: () => { clearTimeout(timer); resolve(); }, reject: (error) => { clearTimeout(timer); reject(error); } });
      this.child.stdin!.write(`${JSON.stringify({ id, peer, fault })}\n`);
    });
  }

  stop(): void {
    this.child.stdin!.end();
    if (this.exit === undefined) this.child.kill('SIGKILL');
  }
}

export class LinkProxies {
  /** Links with a fault now, as "from>to". */
  private readonly faulted = new Set<string>();

  private constructor(private readonly ids: readonly number[], private readonly processes: ReadonlyMap<number, ProxyProcess>) {}

  /**
   * Starts a proxy process in each broker's namespace and redirects peers' connections to
   * `port` through them. Before the brokers start, so that every peer connection is proxied.
   */
  static async start(ids: readonly number[], port: number, seed: number): Promise<LinkProxies> {
    const processes = new Map<number, ProxyProcess>();
    const proxies = new LinkProxies(ids, processes);
    try {
      for (const id of ids) {
        const peers = ids.filter((p) => p !== id);
        const args = [
          join(__dirname, 'link-proxy-main.js'), '--seed', String(seed * 10 + id), '--target', `${addressOf(id)}:${port}`,
          '--listen', addressOf(id), ...peers.flatMap((p) => ['--peer', `${p}=${PROXY_PORT_BASE + p}`]),
        ];
        const child = spawn('ip', ['netns', 'exec', namespaceOf(id), process.execPath, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
        processes.set(id, new ProxyProcess(id, child));
      }
      await Promise.all([...processes.values()].map((p) => p.ready));
      for (const id of ids) inNamespace(id, 'nft', ['-f', '-'], redirectRules(id, ids, port));
      return proxies;
    } catch (error) {
      proxies.stop();
      throw error;
    }
  }

  /** Sets the fault of the connections `from` dials to `to`. */
  async set(from: number, to: number, fault: LinkFault): Promise<void> {
    await this.processes.get(to)!.set(from, fault);
    if (fault.kind === 'pass') this.faulted.delete(`${from}>${to}`);
    else this.faulted.add(`${from}>${to}`);
  }

  /** Sets `fault` on every link of `victim`, both ways: what it dials and what dials it. */
  async degrade(victim: number, fault: LinkFault): Promise<void> {
    for (const peer of this.ids.filter((p) => p !== victim)) {
      await this.set(victim, peer, fault);
      await this.set(peer, victim, fault);
    }
  }

  /** Every link passes again. */
  async heal(): Promise<void> {
    for (const link of [...this.faulted]) {
      const [from, to] = link.split('>').map(Number);
      await this.set(from!, to!, { kind: 'pass' });
    }
  }

  /** Ends the proxies (their namespaces' nat rules go with the namespaces). */
  stop(): void {
    for (const p of this.processes.values()) p.stop();
  }
}
