// The degraded links' TCP proxy (link-proxy.ts) on loopback, with real sockets: an echo server
// behind the proxy, a client in front. Delay holds each chunk at least its delay, each way; a
// stall keeps the connection open and carries nothing until it ends, then what was held flows;
// reset closes connections (and refuses new ones) with an RST; half-open closes the dialed side
// while the dialing side is told nothing, then gets an RST when the fault ends. The process form
// (link-proxy-main.ts) is driven through its control channel. No root needed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { JitteredDelay, LinkProxy, type LinkFault } from './link-proxy';
import { until } from '../../until';

/**
 * How long a negative check ("nothing arrived", "still open") watches. Nothing a correct proxy
 * does makes it fail; a wrong one (forwarding through a stall, closing a half-open socket) shows
 * in far less.
 */
const WATCH_MS = 400;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** An echo server that remembers, per connection, when each chunk arrived and whether it closed. */
class EchoServer {
  readonly connections: { received: string; arrivals: number[]; closed: boolean }[] = [];
  private readonly sockets = new Set<net.Socket>();
  private readonly server = net.createServer((socket) => {
    this.sockets.add(socket);
    const connection = { received: '', arrivals: [] as number[], closed: false };
    this.connections.push(connection);
    socket.on('data', (chunk) => {
      connection.received += chunk.toString();
      connection.arrivals.push(performance.now());
      socket.write(chunk);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => { connection.closed = true; });
  });

  async listen(): Promise<number> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return (this.server.address() as net.AddressInfo).port;
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((r) => this.server.close(() => r()));
  }
}

/** A client connection that records what it received, when, and how it ended. */
class Client {
  received = '';
  readonly arrivals: number[] = [];
  error: string | undefined;
  closed = false;
  readonly socket: net.Socket;

  constructor(port: number) {
    this.socket = net.connect(port, '127.0.0.1');
    this.socket.on('data', (chunk) => {
      this.received += chunk.toString();
      this.arrivals.push(performance.now());
    });
    this.socket.on('error', (error: NodeJS.ErrnoException) => { this.error = error.code; });
    this.socket.on('close', () => { this.closed = true; });
  }

  async echo(text: string): Promise<void> {
    const before = this.received.length;
    this.socket.write(text);
    await until(() => this.received.length >= before + text.length, `the echo of '${text}'`, { maxWaitMs: 10_000 });
  }
}

describe('chaos link proxy (loopback, real sockets)', () => {
  let server: EchoServer;
  let proxy: LinkProxy;
  let port: number;
  let serverPort: number;
  const clients: Client[] = [];
  const client = (): Client => {
    const c = new Client(port);
    clients.push(c);
    return c;
  };
  const set = (fault: LinkFault): void => proxy.setFault(fault);

  beforeEach(async () => {
    server = new EchoServer();
    serverPort = await server.listen();
    proxy = new LinkProxy({ host: '127.0.0.1', port: serverPort }, 7);
    port = await proxy.listen(0, '127.0.0.1');
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.socket.destroy();
    await proxy.close();
    await server.close();
  });

  it('passes bytes both ways', async () => {
    const c = client();
    await c.echo('hello');
    assert.equal(c.received, 'hello');
    assert.equal(server.connections[0]!.received, 'hello');
  });

  it('holds each chunk at least its delay, each way', async () => {
    const c = client();
    await c.echo('warm');
    set({ kind: 'delay', delayMs: 250, jitterMs: 0 });
    const sentAt = performance.now();
    await c.echo('late');
    const atServer = server.connections[0]!.arrivals.at(-1)!;
    // Timers never fire before their time; 1 ms for the rounding of the clock they are set by.
    assert.ok(atServer - sentAt >= 249, `reached the server after ${atServer - sentAt} ms`);
    assert.ok(c.arrivals.at(-1)! - atServer >= 249, `came back after ${c.arrivals.at(-1)! - atServer} ms`);
  });

  it('draws jitter from its seed: the same seed, the same delays, within delay ± jitter', () => {
    const draw = (seed: number): number[] => {
      const delays = new JitteredDelay(seed);
      return Array.from({ length: 50 }, () => delays.next(100, 40));
    };
    assert.deepEqual(draw(3), draw(3));
    assert.notDeepEqual(draw(3), draw(4));
    for (const ms of draw(3)) assert.ok(ms >= 60 && ms <= 140, `${ms} ms is outside 100 ± 40`);
    assert.ok(new Set(draw(3)).size > 1, 'the delays vary');
  });

  it('stalls: the connection stays open and carries nothing until the stall ends, then what was held arrives', async () => {
    const c = client();
    await c.echo('before');
    set({ kind: 'stall' });
    c.socket.write('during');
    await sleep(WATCH_MS);
    assert.equal(server.connections[0]!.received, 'before', 'nothing passed the stall');
    assert.equal(c.closed, false, 'the client\'s connection is still open');
    assert.equal(server.connections[0]!.closed, false, 'the server\'s connection is still open');
    set({ kind: 'pass' });
    await until(() => c.received === 'beforeduring', 'the held bytes to go through once the stall ends', { maxWaitMs: 10_000 });
    assert.equal(server.connections.length, 1, 'the same connection carried them');
  });

  it('resets open connections and new ones with an RST while it lasts, and lets connections through after', async () => {
    const c = client();
    await c.echo('before');
    set({ kind: 'reset' });
    await until(() => c.closed, 'the client\'s connection to close', { maxWaitMs: 10_000 });
    assert.equal(c.error, 'ECONNRESET');
    await until(() => server.connections[0]!.closed, 'the server\'s connection to close', { maxWaitMs: 10_000 });
    const refused = client();
    refused.socket.write('knock');
    await until(() => refused.closed, 'a new connection to be reset', { maxWaitMs: 10_000 });
    assert.equal(refused.error, 'ECONNRESET');
    set({ kind: 'pass' });
    const after = client();
    await after.echo('after');
    assert.equal(after.received, 'after');
  });

  it('half-opens: the dialed side is closed, the dialing side keeps a silent connection, and gets an RST when it ends', async () => {
    const c = client();
    await c.echo('before');
    set({ kind: 'half-open' });
    await until(() => server.connections[0]!.closed, 'the dialed side\'s connection to close', { maxWaitMs: 10_000 });
    c.socket.write('into the void');
    await sleep(WATCH_MS);
    assert.equal(c.received, 'before', 'nothing came back');
    assert.equal(c.closed, false, 'the dialing side was told nothing');
    assert.equal(c.error, undefined);
    const during = client();
    await during.echo('new');
    assert.equal(during.received, 'new', 'a connection made during the fault passes');
    set({ kind: 'pass' });
    await until(() => c.closed, 'the half-open connection to be reset', { maxWaitMs: 10_000 });
    assert.equal(c.error, 'ECONNRESET');
  });

  it('runs as a process driven by control lines on stdin, refusing a bad one with the reason, and exits when stdin ends', async () => {
    const child = spawn(process.execPath, [join(__dirname, 'link-proxy-main.js'), '--seed', '5', '--target', `127.0.0.1:${serverPort}`, '--listen', '127.0.0.1', '--peer', '2=0'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const answers: Record<string, unknown>[] = [];
    createInterface({ input: child.stdout! }).on('line', (line) => answers.push(JSON.parse(line) as Record<string, unknown>));
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    try {
      const ready = await until(() => answers.find((a) => a.ready !== undefined), 'the proxy process to be ready', { maxWaitMs: 20_000 });
      port = (ready.ready as Record<string, number>)['2']!;
      const c = client();
      await c.echo('through the process');
      child.stdin!.write(`${JSON.stringify({ id: 1, peer: 2, fault: { kind: 'reset' } })}\n`);
      await until(() => answers.some((a) => a.id === 1 && a.ok === true), 'the reset to be acknowledged', { maxWaitMs: 10_000 });
      await until(() => c.closed, 'the connection to be reset', { maxWaitMs: 10_000 });
      assert.equal(c.error, 'ECONNRESET');
      child.stdin!.write(`${JSON.stringify({ id: 2, peer: 2, fault: { kind: 'delay', delayMs: 10, jitterMs: 20 } })}\n`);
      child.stdin!.write(`${JSON.stringify({ id: 3, peer: 9, fault: { kind: 'pass' } })}\n`);
      const refused = await until(() => answers.find((a) => a.id === 2), 'the answer to a bad delay', { maxWaitMs: 10_000 });
      assert.match(String(refused.error), /0 <= jitterMs <= delayMs/);
      const unknown = await until(() => answers.find((a) => a.id === 3), 'the answer to an unknown peer', { maxWaitMs: 10_000 });
      assert.match(String(unknown.error), /no proxy for peer 9: this process proxies peers 2/);
    } finally {
      child.stdin!.end();
    }
    assert.equal(await exited, 0);
  });
});
