// The link proxies of one broker's namespace as a process (docs/chaos.md, "Degraded links";
// links.ts starts it with `ip netns exec`): one LinkProxy per peer, each listening on its own
// port and forwarding to this broker's gRPC address, so each peer's connections to this broker
// can be degraded on their own.
//   node link-proxy-main.js --seed S --target HOST:PORT --listen HOST --peer ID=PORT [--peer ID=PORT …]
// Prints {"ready":{"<peer>":<port>,…}} once every proxy listens (port 0: any free port). Then
// reads control lines on stdin, {"id":N,"peer":ID,"fault":{"kind":…}}, and answers each with
// {"id":N,"ok":true} or {"id":N,"error":"…"}. Exits when stdin ends (the run that started it is gone).
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { LinkProxy, parseLinkFault } from './link-proxy';

const USAGE = 'usage: link-proxy-main --seed S --target HOST:PORT --listen HOST --peer ID=PORT [--peer ID=PORT …]';

function options(): { seed: number; target: { host: string; port: number }; listen: string; peers: Map<number, number> } {
  const { values } = parseArgs({
    options: { seed: { type: 'string' }, target: { type: 'string' }, listen: { type: 'string' }, peer: { type: 'string', multiple: true } },
    strict: true,
  });
  const seed = Number(values.seed);
  if (values.seed === undefined || !Number.isInteger(seed)) throw new Error(`--seed must be an integer, got '${values.seed}'`);
  const target = /^(.+):(\d+)$/.exec(values.target ?? '');
  if (!target) throw new Error(`--target must be HOST:PORT, got '${values.target}'`);
  if (values.listen === undefined) throw new Error('--listen HOST is missing');
  const peers = new Map<number, number>();
  for (const text of values.peer ?? []) {
    const peer = /^(\d+)=(\d+)$/.exec(text);
    if (!peer) throw new Error(`--peer must be ID=PORT (a broker id and the port its connections are redirected to), got '${text}'`);
    peers.set(Number(peer[1]), Number(peer[2]));
  }
  if (peers.size === 0) throw new Error('name at least one --peer ID=PORT');
  return { seed, target: { host: target[1]!, port: Number(target[2]) }, listen: values.listen, peers };
}

async function main(): Promise<void> {
  const { seed, target, listen, peers } = options();
  const proxies = new Map<number, LinkProxy>();
  const ports: Record<number, number> = {};
  for (const [peer, port] of peers) {
    // One seed per link, so each link's jitter is its own sequence.
    const proxy = new LinkProxy(target, seed * 1000 + peer);
    ports[peer] = await proxy.listen(port, listen);
    proxies.set(peer, proxy);
  }
  process.stdout.write(`${JSON.stringify({ ready: ports })}\n`);
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    let id: unknown;
    try {
      const message = JSON.parse(line) as { id?: unknown; peer?: unknown; fault?: unknown };
      id = message.id;
      const proxy = proxies.get(message.peer as number);
      if (!proxy) throw new Error(`no proxy for peer ${JSON.stringify(message.peer)}: this process proxies peers ${[...proxies.keys()].join(', ')}`);
      proxy.setFault(parseLinkFault(message.fault));
      process.stdout.write(`${JSON.stringify({ id, ok: true })}\n`);
    } catch (error) {
      process.stdout.write(`${JSON.stringify({ id, error: (error as Error).message })}\n`);
    }
  });
  lines.on('close', () => {
    setTimeout(() => process.exit(0), 1000);
    void Promise.all([...proxies.values()].map((p) => p.close())).finally(() => process.exit(0));
  });
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n${USAGE}\n`);
  process.exit(2);
});
