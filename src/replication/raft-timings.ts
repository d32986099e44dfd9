// Where a replicated write's time goes on this broker, exported on /metrics: how long a round's
// entries wait to be persisted here (the group-committed fdatasync under flush.policy=batch, its
// queue included), and on a leader how long a produce batch takes from proposal to commit by a
// majority. The two read together say whether a slow acks=all produce was this broker's disk,
// its peers, or the path in front of Raft (sluice_produce_latency_seconds minus the commit time).
import { Histogram, type Metric } from 'prom-client';

const BUCKETS = [0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export class RaftTimings {
  // Not in prom-client's global registry: several brokers (and tests) live in one process.
  readonly persist = new Histogram({
    name: 'sluice_raft_persist_seconds',
    help: 'Raft entries written to this broker until persisted (fsynced under flush.policy=batch), per write',
    buckets: BUCKETS,
    registers: [],
  });
  readonly commit = new Histogram({
    name: 'sluice_raft_commit_seconds',
    help: 'Leader: a produce batch proposed until a majority has persisted it',
    buckets: BUCKETS,
    registers: [],
  });

  get metrics(): readonly Metric[] {
    return [this.persist, this.commit];
  }
}
