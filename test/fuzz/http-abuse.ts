// The HTTP port (metrics, health, console) from raw sockets: random paths and methods, requests
// pipelined on a connection that never reads, oversized headers, garbage request lines, and
// headers that never finish. Each run is bounded in bytes and time; it records the status line
// the broker answered (or what happened to the connection).
import { connect, type Socket } from 'node:net';
import type { FuzzRandom } from './fuzz-random';

export type HttpPattern = 'random-path' | 'pipelined-not-reading' | 'oversized-header' | 'garbage' | 'unfinished-headers';
export const HTTP_PATTERNS: readonly HttpPattern[] = ['random-path', 'random-path', 'random-path', 'pipelined-not-reading', 'oversized-header', 'garbage', 'unfinished-headers'];

const HOLD_MS = 500;
const PATHS = ['/', '/metrics', '/healthz', '/readyz', '/api/topics', '/api/topics/x', '/%00', '/..%2f..%2fetc%2fpasswd', '/<script>alert(1)</script>', '/?a=' + 'b'.repeat(4000), '//', '/metrics?x=1'];

function randomPath(random: FuzzRandom): string {
  if (random.chance(0.6)) return random.pick(PATHS);
  return '/' + [...random.bytes(1 + random.int(200))].map((b) => (b >= 0x21 && b < 0x7f && b !== 0x25 ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0')}`)).join('');
}

function requestText(random: FuzzRandom, path: string): string {
  const method = random.weighted([['GET', 8], ['POST', 1], ['HEAD', 1], ['DELETE', 1], ['BREW', 0.5]] as const);
  return `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;
}

/** Runs one pattern against 127.0.0.1:`port`; resolves with what came back (a status line or the connection's fate). */
export function abuseHttp(port: number, pattern: HttpPattern, random: FuzzRandom): Promise<string> {
  return new Promise((resolve) => {
    const socket: Socket = connect(port, '127.0.0.1');
    let received = '';
    let settled = false;
    const settle = (what: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(what);
    };
    const timer = setTimeout(() => settle(received ? statusOf(received) : 'no answer'), HOLD_MS + 2000);
    socket.on('error', (error: NodeJS.ErrnoException) => settle(received ? statusOf(received) : `socket ${error.code ?? 'error'}`));
    socket.on('close', () => settle(received ? statusOf(received) : 'closed'));
    const read = (): void => {
      socket.on('data', (chunk: Buffer) => {
        if (received.length < 256) received += chunk.toString('latin1');
        if (received.includes('\r\n')) settle(statusOf(received));
      });
    };
    socket.on('connect', () => {
      switch (pattern) {
        case 'random-path':
          read();
          socket.write(requestText(random, randomPath(random)));
          return;
        case 'pipelined-not-reading': {
          // Never read: the broker must not queue answers without bound.
          socket.pause();
          const text = `GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`.repeat(100);
          for (let i = 0; i < 2; i++) socket.write(text);
          setTimeout(() => settle('pipelined, not read'), HOLD_MS);
          return;
        }
        case 'oversized-header':
          read();
          socket.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(random.pick([16 * 1024, 100 * 1024, 1024 * 1024]))}\r\n\r\n`);
          return;
        case 'garbage':
          read();
          socket.write(random.bytes(1 + random.int(2048)));
          socket.write('\r\n\r\n');
          return;
        case 'unfinished-headers':
          read();
          socket.write('GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
          setTimeout(() => settle(received ? statusOf(received) : 'unfinished, no answer'), HOLD_MS);
          return;
      }
    });
  });
}

function statusOf(received: string): string {
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(received);
  return match ? `http ${match[1]}` : 'not http';
}
