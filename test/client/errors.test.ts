import { strict as assert } from 'node:assert';
import * as grpc from '@grpc/grpc-js';
import { ErrorCode, SluiceError } from '../../src/common/errors';
import {
  fromGrpcError, partitionError, SluiceClient, SluiceConnectionError, SluiceNotLeaderError, SluiceOffsetOutOfRangeError,
  SluicePartitionError, SluiceRequestError, SluiceRetriesExhaustedError, SluiceTimeoutError,
} from '../../src/client';
import { backoffMs } from '../../src/client/retry';
import { FakeBroker } from './fake-broker';

const grpcError = (code: grpc.status, details: string) => Object.assign(new Error(details), { code, details, metadata: new grpc.Metadata() });

describe('client errors', () => {
  it('maps UNAVAILABLE to a retriable SluiceConnectionError naming the broker', () => {
    const error = fromGrpcError(grpcError(grpc.status.UNAVAILABLE, 'No connection established'), '10.0.0.1:9092', 'Data.Produce');
    assert.ok(error instanceof SluiceConnectionError);
    assert.ok(error instanceof SluiceError);
    assert.equal(error.retriable, true);
    assert.equal(error.address, '10.0.0.1:9092');
    assert.match(error.message, /broker 10.0.0.1:9092 is unavailable/);
  });

  it('maps DEADLINE_EXCEEDED to a retriable SluiceTimeoutError', () => {
    const error = fromGrpcError(grpcError(grpc.status.DEADLINE_EXCEEDED, 'Deadline exceeded'), 'b:1', 'Data.Fetch');
    assert.ok(error instanceof SluiceTimeoutError);
    assert.equal(error.retriable, true);
    assert.equal(error.code, ErrorCode.REQUEST_TIMED_OUT);
  });

  it('maps INVALID_ARGUMENT and RESOURCE_EXHAUSTED to non-retriable request errors', () => {
    const invalid = fromGrpcError(grpcError(grpc.status.INVALID_ARGUMENT, 'partitions must not be empty'), 'b:1', 'Data.Produce');
    assert.ok(invalid instanceof SluiceRequestError);
    assert.equal(invalid.retriable, false);
    assert.equal(invalid.code, ErrorCode.INVALID_REQUEST);
    assert.match(invalid.message, /partitions must not be empty/);
    const tooLarge = fromGrpcError(grpcError(grpc.status.RESOURCE_EXHAUSTED, 'request of 9 MiB is above 8 MiB'), 'b:1', 'Data.Produce');
    assert.equal(tooLarge.retriable, false);
    assert.equal(tooLarge.code, ErrorCode.MESSAGE_TOO_LARGE);
  });

  it('maps per-partition error codes with the numbers of the proto enum', () => {
    const notLeader = partitionError(ErrorCode.NOT_LEADER, 't', 3, '', { leaderHint: 'h:2' });
    assert.ok(notLeader instanceof SluiceNotLeaderError);
    assert.equal(notLeader.leaderHint, 'h:2');
    assert.equal(notLeader.retriable, true);
    assert.equal(notLeader.code, 3);
    const range = partitionError(ErrorCode.OFFSET_OUT_OF_RANGE, 't', 0, '', { offset: 9, logStartOffset: 0, highWatermark: 5 });
    assert.ok(range instanceof SluiceOffsetOutOfRangeError);
    const epoch = partitionError(ErrorCode.INVALID_PRODUCER_EPOCH, 't', 0, 'fenced by epoch 4');
    assert.ok(epoch instanceof SluicePartitionError);
    assert.equal(epoch.retriable, false);
    assert.equal(epoch.message, 't/0: INVALID_PRODUCER_EPOCH: fenced by epoch 4');
  });

  it('backs off exponentially up to the cap', () => {
    const options = { retries: 10, initialBackoffMs: 100, maxBackoffMs: 1_000 };
    const middle = () => 0.5;
    assert.deepEqual([0, 1, 2, 3, 4, 5].map((n) => backoffMs(n, options, middle)), [100, 200, 400, 800, 1_000, 1_000]);
    assert.equal(backoffMs(0, options, () => 0), 80);
    assert.equal(backoffMs(0, options, () => 1), 120);
  });

  it('an unreachable broker surfaces as retries exhausted with the connection error as cause', async () => {
    const broker = await new FakeBroker().start();
    const address = broker.address;
    await broker.stop();
    const client = new SluiceClient({ brokers: [address], retry: { retries: 1, initialBackoffMs: 1, maxBackoffMs: 1 }, requestTimeoutMs: 2_000 });
    try {
      await assert.rejects(client.admin().listTopics(), (error: unknown) => {
        assert.ok(error instanceof SluiceRetriesExhaustedError);
        assert.ok(error.cause instanceof SluiceConnectionError || error.cause instanceof SluiceTimeoutError);
        return true;
      });
    } finally {
      await client.close();
    }
  });
});
