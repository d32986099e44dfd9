// A TCP proxy for the chaos suite's degraded links (docs/chaos.md, "Degraded links"): what a
// kernel rule cannot do to a TCP connection. It forwards every connection it accepts to one
// target and applies the fault set last, changeable at any time:
// - pass: bytes flow as they come (in order behind anything still delayed);
// - delay: each chunk is held delayMs ± jitterMs (seeded), in order, in both directions;
// - stall: nothing is read or forwarded, the sockets stay open (a blackhole without RST); what
//   was held flows again when the stall ends;
// - reset: every connection, and every new one while it lasts, is closed with an RST;
// - half-open: each connection open when it strikes loses its dialed side (closed), while the
//   dialing side is told nothing: what it sends is taken and discarded, nothing comes back. When
//   the fault ends, that side gets an RST, as when its next segment reaches a host that no longer
//   knows the connection. Connections made during the fault pass.
// A proxy only sees streams: it cannot duplicate or reorder packets.
import net from 'node:net';
import { seededRandom } from '../../../src/cli/bench/keys';

export type LinkFault =
  | { readonly kind: 'pass' }
  | { readonly kind: 'delay'; readonly delayMs: number; readonly jitterMs: number }
  | { readonly kind: 'stall' }
  | { readonly kind: 'reset' }
  | { readonly kind: 'half-open' };

export const LINK_FAULT_KINDS = ['pass', 'delay', 'stall', 'reset', 'half-open'] as const;

/** Checks a fault received on the control channel, saying what was wrong. */
export function parseLinkFault(value: unknown): LinkFault {
  const fault = value as { kind?: unknown; delayMs?: unknown; jitterMs?: unknown } | null;
  if (typeof fault !== 'object' || fault === null || !(LINK_FAULT_KINDS as readonly unknown[]).includes(fault.kind)) {
    throw new Error(`a link fault is an object whose kind is one of ${LINK_FAULT_KINDS.join(', ')}, got ${JSON.stringify(value)}`);
  }
  if (fault.kind !== 'delay') return { kind: fault.kind as Exclude<LinkFault['kind'], 'delay'> };
  const { delayMs, jitterMs } = fault;
  if (typeof delayMs !== 'number' || typeof jitterMs !== 'number' || !(delayMs >= 0) || !(jitterMs >= 0) || jitterMs > delayMs) {
    throw new Error(`a delay needs delayMs >= 0 and 0 <= jitterMs <= delayMs (milliseconds), got ${JSON.stringify(value)}`);
  }
  return { kind: 'delay', delayMs, jitterMs };
}

/** A chunk's delay: delayMs ± jitterMs, uniform, drawn from a seeded generator. */
export class JitteredDelay {
  private readonly random: () => number;

  constructor(seed: number) {
    this.random = seededRandom(seed);
  }

  next(delayMs: number, jitterMs: number): number {
    return Math.max(0, delayMs + (this.random() * 2 - 1) * jitterMs);
  }
}

/** Above this many bytes held in one direction, the proxy stops reading that side. */
const MAX_HELD_BYTES = 8 * 1024 * 1024;

export class LinkProxy {
  private readonly server: net.Server;
  private readonly connections = new Set<ProxiedConnection>();
  private current: LinkFault = { kind: 'pass' };
  private readonly delays: JitteredDelay;

  constructor(private readonly target: { readonly host: string; readonly port: number }, seed: number) {
    this.delays = new JitteredDelay(seed);
    this.server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, (socket) => this.accept(socket));
  }

  /** Listens on host:port (0: any free port); resolves with the port. */
  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as net.AddressInfo).port);
      });
    });
  }

  get fault(): LinkFault {
    return this.current;
  }

  /** Connections open now (half-open ones included). */
  get connectionCount(): number {
    return this.connections.size;
  }

  setFault(fault: LinkFault): void {
    const previous = this.current;
    this.current = fault;
    for (const connection of [...this.connections]) {
      if (previous.kind === 'half-open' && fault.kind !== 'half-open') connection.resetHalfOpen();
      if (fault.kind === 'reset') connection.reset();
      else if (fault.kind === 'half-open' && previous.kind !== 'half-open') connection.halfOpen();
      else connection.refresh();
    }
  }

  /** The delay of the next chunk under the current fault (0 unless delaying). */
  delayMs(): number {
    const fault = this.current;
    return fault.kind === 'delay' ? this.delays.next(fault.delayMs, fault.jitterMs) : 0;
  }

  close(): Promise<void> {
    for (const connection of [...this.connections]) connection.reset();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(downstream: net.Socket): void {
    downstream.on('error', () => undefined);
    if (this.current.kind === 'reset') {
      downstream.resetAndDestroy();
      return;
    }
    const upstream = net.connect({ host: this.target.host, port: this.target.port, allowHalfOpen: true });
    upstream.pause();
    const connection = new ProxiedConnection(this, downstream, upstream, () => this.connections.delete(connection));
    this.connections.add(connection);
  }
}

/** One accepted connection and its connection to the target: a Direction each way. */
class ProxiedConnection {
  private readonly down: Direction;
  private readonly up: Direction;
  private halfOpenSide: net.Socket | undefined;
  private closedSockets = 0;

  constructor(proxy: LinkProxy, private readonly downstream: net.Socket, private readonly upstream: net.Socket, forget: () => void) {
    this.up = new Direction(proxy, downstream, upstream);
    this.down = new Direction(proxy, upstream, downstream);
    upstream.on('error', () => undefined);
    // A side that breaks (an RST, a refused connection to the target) breaks the other with an RST.
    downstream.on('close', (hadError) => {
      if (hadError) upstream.resetAndDestroy();
    });
    upstream.on('close', (hadError) => {
      if (hadError && this.halfOpenSide === undefined) downstream.resetAndDestroy();
    });
    for (const socket of [downstream, upstream]) {
      socket.on('close', () => {
        if (++this.closedSockets === 2) forget();
      });
    }
    upstream.once('connect', () => this.refresh());
  }

  refresh(): void {
    this.up.refresh();
    this.down.refresh();
  }

  reset(): void {
    this.downstream.resetAndDestroy();
    this.upstream.resetAndDestroy();
  }

  /** The dialed side is closed; the dialing side's bytes are read and discarded, nothing is sent it. */
  halfOpen(): void {
    this.halfOpenSide = this.downstream;
    this.up.discard();
    this.down.discard();
    this.upstream.destroy();
    this.downstream.once('end', () => this.downstream.destroy());
    this.downstream.resume();
  }

  resetHalfOpen(): void {
    this.halfOpenSide?.resetAndDestroy();
  }
}

/** Bytes from `from` to `to`: held as the proxy's fault says, written in order. */
class Direction {
  private readonly held: { chunk: Buffer; dueAt: number }[] = [];
  private heldBytes = 0;
  private lastDueAt = 0;
  private timer: NodeJS.Timeout | undefined;
  /** `to` asked to wait for 'drain'. */
  private blocked = false;
  private ended = false;
  private endSent = false;
  private discarding = false;

  constructor(private readonly proxy: LinkProxy, private readonly from: net.Socket, private readonly to: net.Socket) {
    from.on('data', (chunk: Buffer) => this.take(chunk));
    from.on('end', () => {
      this.ended = true;
      this.refresh();
    });
    to.on('drain', () => {
      this.blocked = false;
      this.refresh();
    });
  }

  /** Drops what is held and everything read later. */
  discard(): void {
    this.discarding = true;
    this.held.length = 0;
    this.heldBytes = 0;
    clearTimeout(this.timer);
  }

  /** Applies the proxy's current fault: writes what is due, then reads on or stops reading. */
  refresh(): void {
    if (this.discarding) return;
    const stalled = this.proxy.fault.kind === 'stall';
    if (!stalled) this.pump();
    const connecting = this.to.connecting || this.from.connecting;
    if (stalled || connecting || this.blocked || this.heldBytes >= MAX_HELD_BYTES) this.from.pause();
    else this.from.resume();
  }

  private take(chunk: Buffer): void {
    if (this.discarding) return;
    const dueAt = Math.max(this.lastDueAt, performance.now() + this.proxy.delayMs());
    this.lastDueAt = dueAt;
    this.held.push({ chunk, dueAt });
    this.heldBytes += chunk.length;
    this.refresh();
  }

  /** Writes every held chunk that is due, in order, until `to` asks to wait; times the next one. */
  private pump(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.to.connecting || this.to.destroyed) return;
    while (this.held.length > 0 && !this.blocked) {
      const head = this.held[0]!;
      const wait = head.dueAt - performance.now();
      if (wait > 0) {
        this.timer = setTimeout(() => this.refresh(), Math.ceil(wait));
        return;
      }
      this.held.shift();
      this.heldBytes -= head.chunk.length;
      if (!this.to.write(head.chunk)) this.blocked = true;
    }
    if (this.held.length === 0 && this.ended && !this.endSent) {
      this.endSent = true;
      this.to.end();
    }
  }
}
