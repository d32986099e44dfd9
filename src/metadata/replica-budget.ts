// How many partition replicas a broker may hold. Every replica costs its broker descriptors (the
// active segment's file; closed segments share a bounded pool) and memory, so a broker that
// accepted any number ran out of descriptors and then could not start (docs/storage.md,
// "Descriptors and partition limits"). The limit travels inside the command (its proposer's
// broker limit at the time), so that every broker, and every replay of the log, decides alike.
import { ErrorCode } from '../common/errors';
import type { MetadataState } from './metadata-state';

export type BudgetOutcome = { readonly ok: false; readonly code: ErrorCode; readonly message: string } | undefined;

/** Replicas each broker holds now (retiring ones included: they hold their files until removed). */
export function replicasPerBroker(state: MetadataState): Map<number, number> {
  const held = new Map<number, number>();
  for (const topic of state.topics.values()) {
    for (const p of topic.partitions) for (const b of [...p.replicas, ...p.retiring]) held.set(b, (held.get(b) ?? 0) + 1);
  }
  return held;
}

/**
 * Refuses (POLICY_VIOLATION) new replicas `added` (one replica list per new partition) that would
 * take a broker past `maxPerBroker`; undefined when they fit or the command carries no limit.
 * `what` names the request in the message ("topic 'orders' with 1024 partitions").
 */
export function checkReplicaBudget(state: MetadataState, added: readonly (readonly number[])[], maxPerBroker: number | undefined, what: string): BudgetOutcome {
  if (maxPerBroker === undefined) return undefined;
  const asked = new Map<number, number>();
  for (const replicas of added) for (const b of replicas) asked.set(b, (asked.get(b) ?? 0) + 1);
  const held = replicasPerBroker(state);
  for (const [broker, count] of [...asked].sort((a, b) => a[0] - b[0])) {
    const holds = held.get(broker) ?? 0;
    if (holds + count <= maxPerBroker) continue;
    const left = Math.max(maxPerBroker - holds, 0);
    return {
      ok: false,
      code: ErrorCode.POLICY_VIOLATION,
      message:
        `${what} needs ${count} partition replica(s) on broker ${broker}, which holds ${holds} of its limit of ${maxPerBroker} ` +
        `(limits.maxPartitionReplicas, derived from its open-file limit unless set): ${left} left; ` +
        `ask for at most ${left}, delete topics, or raise the limit (and ulimit -n)`,
    };
  }
  return undefined;
}
