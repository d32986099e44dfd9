// Request string fields must be UTF-8 (proto3 `string`): invalid bytes are refused with
// INVALID_ARGUMENT instead of being replaced by U+FFFD; and server reflection answers a body
// protobuf cannot decode with INVALID_ARGUMENT like every other service.
import * as grpc from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import { startBrokerFixture, type BrokerFixture } from './broker-fixture';
import { malformedBidiCall } from './malformed-bidi-call';

const identity = (b: Buffer): Buffer => b;
const lengthDelimited = (field: number, body: readonly number[]): number[] => [(field << 3) | 2, body.length, ...body];

describe('broker: strict UTF-8 in request strings, and malformed reflection requests', () => {
  let fx: BrokerFixture;
  let client: grpc.Client;
  before(async () => {
    fx = await startBrokerFixture();
    client = new grpc.Client(fx.address, grpc.credentials.createInsecure());
  });
  after(async () => {
    client.close();
    await fx.close();
  });

  const unaryRaw = (path: string, body: readonly number[]): Promise<{ error?: grpc.ServiceError; response?: Buffer }> =>
    new Promise((resolve) => client.makeUnaryRequest(path, identity, identity, Buffer.from(body), (error, response) => resolve(error ? { error } : { response: response! })));

  it('refuses a topic name with invalid UTF-8 bytes in CreateTopics with INVALID_ARGUMENT, creating nothing', async () => {
    const spec = [...lengthDelimited(1, [0x61, 0xff, 0x62]), 0x10, 1];
    const { error } = await unaryRaw('/sluice.v1.Admin/CreateTopics', lengthDelimited(1, spec));
    assert.equal(error?.code, grpc.status.INVALID_ARGUMENT, String(error));
    assert.match(error!.details, /not valid UTF-8/);
    const { topics } = await fx.admin('listTopics', {});
    assert.deepEqual(topics.map((t: any) => t.name).filter((n: string) => n.startsWith('a')), []);
  });

  it('refuses invalid UTF-8 that decodes to as many bytes as it replaces (a truncated 4-byte sequence)', async () => {
    const spec = [...lengthDelimited(1, [0x61, 0xf0, 0x90, 0x80]), 0x10, 1];
    const { error } = await unaryRaw('/sluice.v1.Admin/CreateTopics', lengthDelimited(1, spec));
    assert.equal(error?.code, grpc.status.INVALID_ARGUMENT, String(error));
    assert.match(error!.details, /not valid UTF-8/);
  });

  it('decodes multibyte UTF-8 strings (the topic name is then judged by its own rule)', async () => {
    const result = await fx.admin('createTopics', { topics: [{ name: 'grüße-日本-🎉', partitions: 1 }], validateOnly: true });
    assert.match(result.topics[0].errorMessage, /topic name 'grüße-日本-🎉' is invalid/);
  });

  for (const version of ['v1', 'v1alpha']) {
    it(`answers a malformed ${version} reflection request with INVALID_ARGUMENT`, async () => {
      const error = await malformedBidiCall(client, `/grpc.reflection.${version}.ServerReflection/ServerReflectionInfo`);
      assert.equal(error?.code, grpc.status.INVALID_ARGUMENT, String(error));
      assert.match(error!.details, /malformed grpc\.reflection\..*ServerReflectionInfo request/);
    });
  }
});
