import * as grpc from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { ErrorCode } from '../../src/common/errors';
import { brokerProtoRoot } from '../../src/protocol/proto-root';
import { serviceDefinition } from '../../src/protocol/services';
import { encodeBatch, startBrokerFixture, type BrokerFixture } from './broker-fixture';

describe('broker bad input', () => {
  let fx: BrokerFixture;
  let bytesView: grpc.Client & Record<string, Function>;
  beforeEach(async () => {
    fx = await startBrokerFixture({ limits: { maxRequestBytes: 256 * 1024, maxPartitionsPerRequest: 4 } });
    await fx.admin('createTopics', { topics: [{ name: 't', partitions: 1, configs: { 'max.message.bytes': '2048' } }] });
    const Client = grpc.makeGenericClientConstructor(serviceDefinition(brokerProtoRoot(), 'sluice.v1.Data'), 'Data');
    bytesView = new Client(fx.address, grpc.credentials.createInsecure()) as any;
  });
  afterEach(async () => {
    bytesView.close();
    await fx.close();
  });

  /** Produce with the batch given as raw bytes (what a buggy or hostile client could send). */
  const produceRaw = (batch: Buffer, extra: object = {}): Promise<any> =>
    new Promise((resolve, reject) =>
      bytesView.produce({ partitions: [{ topic: 't', partition: 0, batch, ...extra }] }, (e: Error | null, r: any) => (e ? reject(e) : resolve(r.partitions[0]))),
    );

  const logEnd = async (): Promise<number> => (await fx.admin('describeTopics', { names: ['t'] })).topics[0].partitions[0].logEndOffset;

  it('answers an unknown topic or partition per partition', async () => {
    const { partitions } = await fx.data('produce', {
      partitions: [
        { topic: 'missing', partition: 0, batch: { records: [{ value: Buffer.from('x') }] } },
        { topic: 't', partition: 7, batch: { records: [{ value: Buffer.from('x') }] } },
      ],
    });
    assert.deepEqual(partitions.map((p: any) => p.errorCode), [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
    assert.match(partitions[1].errorMessage, /has partitions 0..0, not 7/);
    const fetched = await fx.data('fetch', { partitions: [{ topic: 'missing', partition: 0, offset: 0 }] });
    assert.equal(fetched.partitions[0].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('rejects a batch above max.message.bytes and stores nothing', async () => {
    const result = await produceRaw(encodeBatch(['x'.repeat(4000)]));
    assert.equal(result.errorCode, ErrorCode.MESSAGE_TOO_LARGE);
    assert.match(result.errorMessage, /exceeds max.message.bytes=2048/);
    assert.equal(await logEnd(), 0);
  });

  it('rejects a request above the request size limit with RESOURCE_EXHAUSTED', async () => {
    await assert.rejects(produceRaw(Buffer.alloc(300 * 1024, 1)), (e: any) => e.code === grpc.status.RESOURCE_EXHAUSTED);
    assert.equal(await logEnd(), 0);
  });

  it('rejects a malformed batch with INVALID_RECORD', async () => {
    const result = await produceRaw(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]));
    assert.equal(result.errorCode, ErrorCode.INVALID_RECORD);
    assert.match(result.errorMessage, /malformed RecordBatch/);
    const empty = await produceRaw(encodeBatch([]));
    assert.equal(empty.errorCode, ErrorCode.INVALID_RECORD);
    assert.equal(await logEnd(), 0);
  });

  it('checks a client CRC32C and answers CORRUPT_MESSAGE on mismatch', async () => {
    const result = await produceRaw(encodeBatch(['a']), { crc32c: 12345 });
    assert.equal(result.errorCode, ErrorCode.CORRUPT_MESSAGE);
    assert.equal(await logEnd(), 0);
  });

  it('rejects writes to internal topics', async () => {
    const { partitions } = await fx.data('produce', { partitions: [{ topic: '__consumer_offsets', partition: 0, batch: { records: [{ value: Buffer.from('x') }] } }] });
    assert.equal(partitions[0].errorCode, ErrorCode.POLICY_VIOLATION);
  });

  it('rejects malformed requests with INVALID_ARGUMENT and a reason', async () => {
    const dup = { topic: 't', partition: 0, batch: { records: [{ value: Buffer.from('x') }] } };
    await assert.rejects(fx.data('produce', { partitions: [dup, dup] }), (e: any) => e.code === grpc.status.INVALID_ARGUMENT && /appears twice/.test(e.details));
    await assert.rejects(fx.data('produce', { partitions: [] }), (e: any) => e.code === grpc.status.INVALID_ARGUMENT && /no partitions/.test(e.details));
    await assert.rejects(fx.data('produce', { acks: 7, partitions: [dup] }), (e: any) => e.code === grpc.status.INVALID_ARGUMENT && /acks 7 is invalid/.test(e.details));
    const many = [0, 1, 2, 3, 4].map((p) => ({ topic: 't', partition: p, offset: 0 }));
    await assert.rejects(fx.data('fetch', { partitions: many }), (e: any) => e.code === grpc.status.INVALID_ARGUMENT && /the limit is 4/.test(e.details));
  });

  it('answers OFFSET_OUT_OF_RANGE with the valid range', async () => {
    await produceRaw(encodeBatch(['a', 'b']));
    const fetched = await fx.data('fetch', { partitions: [{ topic: 't', partition: 0, offset: 99 }] });
    assert.equal(fetched.partitions[0].errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
    assert.match(fetched.partitions[0].errorMessage, /^offset 99 is out of range for t\/0: it holds offsets 0\.\.1 \(the next record gets 2\); fetch from an offset from 0 to 2$/);
    assert.equal(fetched.partitions[0].logStartOffset, 0);
  });

  it('answers undecodable protobuf with INVALID_ARGUMENT', async () => {
    const raw = new grpc.Client(fx.address, grpc.credentials.createInsecure());
    const error = await new Promise<any>((resolve) =>
      raw.makeUnaryRequest('/sluice.v1.Data/Produce', (b: Buffer) => b, (b: Buffer) => b, Buffer.from([0x1a, 0x10, 0x01]), (e) => resolve(e)),
    );
    raw.close();
    assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
    assert.match(error.details, /malformed .*produce request/);
  });

  it('survives garbage bytes on its port and keeps serving', async () => {
    await new Promise<void>((resolve) => {
      const socket = connect(fx.broker.grpcPort, '127.0.0.1', () => {
        socket.write(Buffer.from('GET / HTTP/1.1\r\n\r\n\x00\x01garbage'.repeat(100)));
        socket.end();
        // The server may keep a half-closed connection open; we only need the bytes delivered.
        setTimeout(() => socket.destroy(), 200);
      });
      socket.on('error', () => resolve());
      socket.on('close', () => resolve());
    });
    const listed = await fx.admin('listTopics', {});
    assert.equal(listed.topics[0].name, 't');
  });
});
