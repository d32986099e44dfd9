// gRPC framing that no gRPC client library writes, over a bare HTTP/2 session: the compressed
// flag set without an encoding, a length prefix longer or shorter than the body, a 4 GiB length,
// a wrong content-type, a body cut inside the 5-byte prefix. Answers are read for their
// grpc-status; every session is closed within a deadline.
import { connect, constants } from 'node:http2';
import type { FuzzRandom } from './fuzz-random';

export type FramePattern = 'compressed-flag' | 'length-longer' | 'length-shorter' | 'length-4gib' | 'wrong-content-type' | 'cut-prefix' | 'unknown-encoding';
export const FRAME_PATTERNS: readonly FramePattern[] = ['compressed-flag', 'length-longer', 'length-shorter', 'length-4gib', 'wrong-content-type', 'cut-prefix', 'unknown-encoding'];

const TIMEOUT_MS = 3000;

function prefixed(flag: number, length: number, body: Buffer): Buffer {
  const prefix = Buffer.alloc(5);
  prefix[0] = flag;
  prefix.writeUInt32BE(length >>> 0, 1);
  return Buffer.concat([prefix, body]);
}

/** Sends one request of `pattern` to `path` on 127.0.0.1:`port`; resolves with 'grpc <STATUS>' or what happened. */
export function abuseFraming(port: number, path: string, pattern: FramePattern, body: Buffer, random: FuzzRandom): Promise<string> {
  return new Promise((resolve) => {
    const session = connect(`http://127.0.0.1:${port}`);
    let settled = false;
    const settle = (what: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      session.destroy();
      resolve(what);
    };
    const timer = setTimeout(() => settle('h2 no answer'), TIMEOUT_MS);
    session.on('error', (error: NodeJS.ErrnoException) => settle(`h2 ${error.code ?? 'error'}`));
    const headers: Record<string, string> = {
      [constants.HTTP2_HEADER_METHOD]: 'POST',
      [constants.HTTP2_HEADER_PATH]: path,
      [constants.HTTP2_HEADER_CONTENT_TYPE]: pattern === 'wrong-content-type' ? random.pick(['text/plain', 'application/json', '']) : 'application/grpc',
      te: 'trailers',
    };
    if (pattern === 'unknown-encoding') headers['grpc-encoding'] = random.pick(['gzip', 'snappy-x', 'identity,gzip', 'x'.repeat(500)]);
    const stream = session.request(headers);
    let status = '';
    stream.on('response', (h) => {
      if (h['grpc-status'] !== undefined) status = String(h['grpc-status']);
      else if (h[':status'] !== 200) status = `http${h[':status']}`;
    });
    stream.on('trailers', (t) => {
      if (t['grpc-status'] !== undefined) status = String(t['grpc-status']);
    });
    stream.on('data', () => undefined);
    stream.on('error', (error: NodeJS.ErrnoException) => settle(status ? `grpc ${status}` : `h2 ${error.code ?? 'stream error'}`));
    stream.on('close', () => settle(status ? `grpc ${status}` : 'h2 closed without status'));
    switch (pattern) {
      case 'compressed-flag':
      case 'unknown-encoding':
        stream.end(prefixed(1, body.length, body));
        return;
      case 'length-longer':
        stream.end(prefixed(0, body.length + 1 + random.int(1000), body));
        return;
      case 'length-shorter':
        stream.end(prefixed(0, Math.max(0, body.length - 1 - random.int(Math.max(1, body.length))), body));
        return;
      case 'length-4gib':
        stream.end(prefixed(0, 0xffffffff, body));
        return;
      case 'wrong-content-type':
        stream.end(prefixed(0, body.length, body));
        return;
      case 'cut-prefix':
        stream.end(prefixed(0, body.length, body).subarray(0, 1 + random.int(4)));
        return;
    }
  });
}
