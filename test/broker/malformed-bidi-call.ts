// Opens a bidirectional stream on `path` and writes one message protobuf cannot decode (a varint
// that never ends); resolves with the status the call ends with (undefined if it ends cleanly).
import * as grpc from '@grpc/grpc-js';

const identity = (b: Buffer): Buffer => b;

export function malformedBidiCall(client: grpc.Client, path: string): Promise<grpc.ServiceError | undefined> {
  const call = client.makeBidiStreamRequest(path, identity, identity);
  return new Promise((resolve) => {
    call.on('data', () => undefined);
    call.on('error', resolve);
    call.on('end', () => resolve(undefined));
    call.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]));
  });
}
