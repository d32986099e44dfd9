// The Raft transport is served on the client port, so any client can reach it: a body it cannot
// decode is answered INVALID_ARGUMENT, as on every other service (grpc-js said INTERNAL).
import * as grpc from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import { malformedBidiCall } from '../broker/malformed-bidi-call';
import { startCluster, type ClusterHarness } from './cluster-harness';

describe('cluster: a malformed Raft transport message', function () {
  this.timeout(60_000);
  let cluster: ClusterHarness;
  before(async () => {
    cluster = await startCluster(3);
  });
  after(() => cluster.close());

  it('is answered INVALID_ARGUMENT, and the cluster still serves', async () => {
    const client = new grpc.Client(cluster.address(1), grpc.credentials.createInsecure());
    try {
      const error = await malformedBidiCall(client, '/sluice.raft.v1.RaftTransport/Stream');
      assert.equal(error?.code, grpc.status.INVALID_ARGUMENT, String(error));
      assert.match(error!.details, /malformed sluice\.raft\.v1\.RaftTransport\/Stream request/);
    } finally {
      client.close();
    }
    // Still serving: broker 1 answers, and (once every broker has registered) lists all three.
    await cluster.retry('broker 1 to list three brokers', async () => {
      const described = await cluster.call(1, 'sluice.v1.Admin', 'describeCluster', {});
      return described.brokers.length === 3 ? true : undefined;
    });
  });
});
