// A Subscribe stream outlives one partition's error: the failing partition is reported once and
// dropped, the others keep streaming; the stream ends (OK) only when no partition is left.
import * as grpc from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/common/errors';
import { until } from '../until';
import { rawClient, startBrokerFixture, type BrokerFixture } from './broker-fixture';

describe('broker: Subscribe with a failing partition', () => {
  let fx: BrokerFixture;
  before(async () => {
    fx = await startBrokerFixture();
    await fx.admin('createTopics', { topics: [{ name: 'ok', partitions: 1 }] });
  });
  after(() => fx.close());

  const produce = async (value: string): Promise<void> => {
    const { partitions } = await fx.data('produce', { partitions: [{ topic: 'ok', partition: 0, batch: { records: [{ value: Buffer.from(value) }] } }] });
    assert.equal(partitions[0].errorCode, ErrorCode.NONE, partitions[0].errorMessage);
  };

  it('reports the failing partition once and keeps streaming the others', async () => {
    await produce('first');
    const { client } = rawClient(fx.address, 'sluice.v1.Data');
    try {
      const stream = (client as any).subscribe({ partitions: [{ topic: 'ok', partition: 0, offset: 0 }, { topic: 'ok', partition: 9, offset: 0 }] });
      const pushes: any[] = [];
      let ended = false;
      stream.on('data', (push: any) => pushes.push(push));
      stream.on('end', () => (ended = true));
      stream.on('error', () => undefined);
      const values = (): string[] => pushes.flatMap((p) => p.partitions.filter((r: any) => r.partition === 0).flatMap((r: any) => r.batches.map((b: any) => b.batch.records[0].value.toString())));
      await until(() => values().length >= 1, 'the first record pushed');
      await produce('second');
      await until(() => values().length >= 2, 'the second record pushed');
      assert.deepEqual(values(), ['first', 'second']);
      const errors = pushes.flatMap((p) => p.partitions.filter((r: any) => r.errorCode !== ErrorCode.NONE));
      assert.equal(errors.length, 1, 'the failing partition is reported once');
      assert.equal(errors[0].partition, 9);
      assert.equal(errors[0].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      assert.equal(ended, false, 'the stream goes on');
      stream.cancel();
    } finally {
      client.close();
    }
  });

  it('ends the stream (OK) once no partition is left', async () => {
    const { client } = rawClient(fx.address, 'sluice.v1.Data');
    try {
      const stream = (client as any).subscribe({ partitions: [{ topic: 'nope', partition: 0, offset: 0 }] });
      const pushes: any[] = [];
      stream.on('data', (push: any) => pushes.push(push));
      const status = await new Promise<grpc.StatusObject>((resolve) => stream.on('status', resolve));
      assert.equal(status.code, grpc.status.OK);
      assert.equal(pushes.length, 1);
      assert.equal(pushes[0].partitions[0].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    } finally {
      client.close();
    }
  });
});
