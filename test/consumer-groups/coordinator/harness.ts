// Small helpers for driving a ConsumerGroup in tests: a deterministic member-id source and
// heartbeats that fail loudly when the coordinator refuses them.
import { strict as assert } from 'node:assert';
import type { ConsumerGroupOptions } from '../../../src/consumer-groups/coordinator/config';
import { ConsumerGroup, type HeartbeatResult } from '../../../src/consumer-groups/coordinator/consumer-group';
import type { HeartbeatRequest } from '../../../src/consumer-groups/coordinator/heartbeat-request';
import type { ConsumerGroupRecord } from '../../../src/consumer-groups/coordinator/records';
import type { TopicPartitions } from '../../../src/consumer-groups/coordinator/partition-key';

export function newGroup(topics: Record<string, number>, options: Partial<ConsumerGroupOptions> = {}): { group: ConsumerGroup; log: ConsumerGroupRecord[] } {
  let n = 0;
  const group = new ConsumerGroup('g', { sessionTimeoutMs: 45_000, heartbeatIntervalMs: 5_000, rebalanceTimeoutMs: 60_000, newMemberId: () => `m${++n}`, ...options }, new Map(Object.entries(topics)));
  return { group, log: [] };
}

export type Ok = Extract<HeartbeatResult, { ok: true }>;

/** Sends a heartbeat, appends its records to `log`, and returns the answer. */
export function beat(g: { group: ConsumerGroup; log: ConsumerGroupRecord[] }, req: HeartbeatRequest, nowMs: number): HeartbeatResult {
  const out = g.group.heartbeat(req, nowMs);
  g.log.push(...out.records);
  return out.result;
}

export function ok(r: HeartbeatResult): Ok {
  assert.ok(r.ok, `heartbeat refused: ${r.ok ? '' : `${r.error.code}: ${r.error.message}`}`);
  return r;
}

/** "t:0,1 u:2" — a compact form of an assignment for assertions. */
export function show(list: readonly TopicPartitions[]): string {
  return list.map((tp) => `${tp.topic}:${tp.partitions.join(',')}`).join(' ');
}
