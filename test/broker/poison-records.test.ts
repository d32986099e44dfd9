// A batch whose records do not decode ("poison pill") is refused on produce with INVALID_RECORD,
// so a typed Fetch of the partition (what every client does) keeps working.
import * as grpc from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import { Writer } from 'protobufjs';
import { ErrorCode } from '../../src/common/errors';
import { brokerProtoRoot, publicProtoRoot } from '../../src/protocol/proto-root';
import { serviceDefinition } from '../../src/protocol/services';
import { encodeBatch, recordsOf, startBrokerFixture, type BrokerFixture } from './broker-fixture';

const RecordType = () => publicProtoRoot().lookupType('sluice.v1.Record');
const record = (value: object): Buffer => Buffer.from(RecordType().encode(RecordType().fromObject(value)).finish());
const batchOf = (records: readonly Buffer[]): Buffer => {
  const writer = Writer.create().uint32((1 << 3) | 0).int64(Date.now());
  for (const r of records) writer.uint32((8 << 3) | 2).bytes(r);
  return Buffer.from(writer.finish());
};
const headerOf = (bytes: readonly number[]): Buffer => Buffer.from([(4 << 3) | 2, bytes.length, ...bytes]);

const POISON: readonly { name: string; batch: Buffer; reason: RegExp }[] = [
  { name: 'a field length past the record', batch: batchOf([record({}), Buffer.from([(3 << 3) | 2, 50, 0x61])]), reason: /record 1: field 3 \(value\)/ },
  { name: 'a wrong wire type', batch: batchOf([Buffer.from([(3 << 3) | 0, 5])]), reason: /record 0: field 3 \(value\) has wire type 0/ },
  { name: 'a header key of 2 KiB', batch: batchOf([record({ headers: [{ key: 'k'.repeat(2048) }] })]), reason: /header 0: key of 2048 bytes/ },
  { name: '65 headers', batch: batchOf([record({ headers: Array.from({ length: 65 }, (_, i) => ({ key: `h${i}` })) })]), reason: /more than 64 headers/ },
  { name: 'a header key of invalid UTF-8', batch: batchOf([headerOf([0x0a, 2, 0x61, 0xff])]), reason: /key is not valid UTF-8/ },
];

describe('broker: poison-pill records', () => {
  let fx: BrokerFixture;
  let bytesView: grpc.Client & Record<string, Function>;
  before(async () => {
    fx = await startBrokerFixture();
    await fx.admin('createTopics', { topics: [{ name: 't', partitions: 1 }] });
    const Client = grpc.makeGenericClientConstructor(serviceDefinition(brokerProtoRoot(), 'sluice.v1.Data'), 'Data');
    bytesView = new Client(fx.address, grpc.credentials.createInsecure()) as any;
  });
  after(async () => {
    bytesView.close();
    await fx.close();
  });

  const produceRaw = (batch: Buffer): Promise<any> =>
    new Promise((resolve, reject) =>
      bytesView.produce({ partitions: [{ topic: 't', partition: 0, batch }] }, (e: Error | null, r: any) => (e ? reject(e) : resolve(r.partitions[0]))),
    );

  it('stores a good batch (the partition has something to read)', async () => {
    assert.equal((await produceRaw(encodeBatch(['good']))).errorCode, ErrorCode.NONE);
  });

  for (const poison of POISON) {
    it(`refuses a batch with ${poison.name} with INVALID_RECORD, and a typed Fetch still reads the partition`, async () => {
      const result = await produceRaw(poison.batch);
      assert.equal(result.errorCode, ErrorCode.INVALID_RECORD, JSON.stringify(result));
      assert.match(result.errorMessage, poison.reason);
      assert.match(result.errorMessage, /partition t\/0/);
      const fetched = await fx.data('fetch', { partitions: [{ topic: 't', partition: 0, offset: 0 }], maxWaitMs: 0 });
      assert.equal(fetched.partitions[0].errorCode, ErrorCode.NONE);
      assert.deepEqual(recordsOf(fetched.partitions[0]), [{ offset: 0, value: 'good' }]);
    });
  }
});
