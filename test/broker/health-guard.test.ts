// gRPC health checking answers every service name without keeping it: the dependency
// (grpc-health-check) keeps a watcher set per name ever watched, so cancelled watches of
// 10 MB names kept hundreds of MB; malformed bodies answer INVALID_ARGUMENT, not INTERNAL.
import * as grpc from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import { Writer } from 'protobufjs';
import { MAX_CLIENT_MESSAGE_CHARS } from '../../src/broker/client-message';
import { startBrokerFixture, type BrokerFixture } from './broker-fixture';

const SERVING_STATUS = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];
const encodeRequest = (service: string): Buffer => Buffer.from(Writer.create().uint32(10).string(service).finish());
const decodeStatus = (bytes: Buffer): string => SERVING_STATUS[bytes.length >= 2 ? bytes[1]! : 0]!;

describe('broker: health checking guard', () => {
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

  const check = (body: Buffer): Promise<{ error?: grpc.ServiceError; status?: string }> =>
    new Promise((resolve) =>
      client.makeUnaryRequest('/grpc.health.v1.Health/Check', (b: Buffer) => b, (b: Buffer) => b, body, (error, response) =>
        resolve(error ? { error } : { status: decodeStatus(response!) }),
      ),
    );
  /** The first thing a Watch answers: a status, or the error that ends it. */
  const watchFirst = (body: Buffer): Promise<{ error?: grpc.ServiceError; status?: string }> =>
    new Promise((resolve) => {
      const call = client.makeServerStreamRequest('/grpc.health.v1.Health/Watch', (b: Buffer) => b, (b: Buffer) => b, body);
      call.on('data', (bytes: Buffer) => {
        resolve({ status: decodeStatus(bytes) });
        call.cancel();
      });
      call.on('error', (error: grpc.ServiceError) => resolve({ error }));
    });

  it('answers Check and Watch of a known service', async () => {
    assert.deepEqual(await check(encodeRequest('sluice.v1.Data')), { status: 'SERVING' });
    assert.deepEqual(await watchFirst(encodeRequest('')), { status: 'SERVING' });
  });

  it('refuses a service name longer than any service with INVALID_ARGUMENT, before the dependency keeps it', async () => {
    for (const answer of [await watchFirst(encodeRequest('s'.repeat(1_000_000))), await check(encodeRequest('s'.repeat(100_000)))]) {
      assert.equal(answer.error?.code, grpc.status.INVALID_ARGUMENT, JSON.stringify(answer).slice(0, 300));
      assert.ok(answer.error!.details.length <= MAX_CLIENT_MESSAGE_CHARS);
      assert.match(answer.error!.details, /service name of 1?00000+ characters/);
    }
  });

  it('answers an unknown service SERVICE_UNKNOWN (Watch) and NOT_FOUND naming the known ones (Check)', async () => {
    assert.deepEqual(await watchFirst(encodeRequest('nope')), { status: 'SERVICE_UNKNOWN' });
    const { error } = await check(encodeRequest('nope'));
    assert.equal(error?.code, grpc.status.NOT_FOUND);
    assert.match(error!.details, /'nope'.*sluice\.v1\.Data/);
  });

  it('answers a malformed health request with INVALID_ARGUMENT', async () => {
    const malformed = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]);
    for (const answer of [await check(malformed), await watchFirst(malformed)]) {
      assert.equal(answer.error?.code, grpc.status.INVALID_ARGUMENT, JSON.stringify(answer));
      assert.match(answer.error!.details, /malformed/);
    }
  });
});
