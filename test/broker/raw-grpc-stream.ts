// A gRPC stream spoken over node:http2 directly, so that a test decides exactly what the client
// reads: a client that never reads opens only `streamWindowBytes` of HTTP/2 window and then stops
// accepting (grpc-js clients would buffer 16 messages of their own first).
import * as http2 from 'node:http2';
import { brokerProtoRoot, publicProtoRoot } from '../../src/protocol/proto-root';

export interface RawGrpcStream {
  readonly session: http2.ClientHttp2Session;
  readonly stream: http2.ClientHttp2Stream;
  /** Sends one message of `type` (a sluice.v1 message name; batches as encoded bytes). */
  send(type: string, message: object): void;
  /** Starts reading: decodes every message of `type` the broker sent, in order, into `received`. */
  startReading(type: string): void;
  readonly received: any[];
  close(): void;
}

export function openRawGrpcStream(address: string, method: string, streamWindowBytes: number): RawGrpcStream {
  const session = http2.connect(`http://${address}`, { settings: { initialWindowSize: streamWindowBytes } });
  session.on('error', () => undefined);
  const stream = session.request({ ':method': 'POST', ':path': `/sluice.v1.Data/${method}`, 'content-type': 'application/grpc', te: 'trailers' });
  stream.on('error', () => undefined);
  const received: any[] = [];
  return {
    session,
    stream,
    received,
    send(type, message) {
      const messageType = brokerProtoRoot().lookupType(`sluice.v1.${type}`);
      const body = Buffer.from(messageType.encode(messageType.fromObject(message)).finish());
      const prefix = Buffer.alloc(5);
      prefix.writeUInt32BE(body.length, 1);
      stream.write(Buffer.concat([prefix, body]));
    },
    startReading(type) {
      const messageType = publicProtoRoot().lookupType(`sluice.v1.${type}`);
      let pending = Buffer.alloc(0);
      stream.on('data', (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= 5 && pending.length >= 5 + pending.readUInt32BE(1)) {
          const length = pending.readUInt32BE(1);
          received.push(messageType.decode(pending.subarray(5, 5 + length)));
          pending = pending.subarray(5 + length);
        }
      });
    },
    close() {
      stream.close();
      session.destroy();
    },
  };
}
