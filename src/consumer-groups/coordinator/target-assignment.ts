// Computing a consumer group's target assignment for a new group epoch: resolve every member's
// subscription against the topic metadata, pick the assignor the most members prefer (ties by
// name, the group's default when nobody says), and run it with the previous target for stickiness.
import type { AssignorMember, TargetAssignment } from './assignor';
import { ASSIGNORS } from './assignor-registry';
import type { ConsumerGroupMember } from './member';
import type { PartitionKey, TopicMetadata } from './partition-key';
import { resolveSubscription, type RegexEngine } from './subscription';

/** Member id → the existing topics its subscription covers, sorted. */
export function resolveMembers(members: ReadonlyMap<string, ConsumerGroupMember>, topics: TopicMetadata, engine: RegexEngine | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [id, m] of members) out.set(id, resolveSubscription(m.subscription, topics, engine));
  return out;
}

/** Partition counts of every topic at least one member is subscribed to, sorted by name. */
export function subscribedTopicCounts(resolved: ReadonlyMap<string, readonly string[]>, topics: TopicMetadata): [string, number][] {
  const names = new Set<string>();
  for (const list of resolved.values()) for (const t of list) names.add(t);
  return [...names].sort().map((t) => [t, topics.get(t)!]);
}

export function chooseAssignor(members: Iterable<ConsumerGroupMember>, defaultAssignor: string): string {
  const votes = new Map<string, number>();
  for (const m of members) if (m.serverAssignor !== '') votes.set(m.serverAssignor, (votes.get(m.serverAssignor) ?? 0) + 1);
  let best = defaultAssignor;
  let bestVotes = 0;
  for (const [name, n] of [...votes].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (n > bestVotes) {
      best = name;
      bestVotes = n;
    }
  }
  return best;
}

export function computeTargetAssignment(
  assignorName: string,
  resolved: ReadonlyMap<string, readonly string[]>,
  topics: TopicMetadata,
  previous: ReadonlyMap<string, ReadonlySet<PartitionKey>>,
): TargetAssignment {
  const assignor = ASSIGNORS.get(assignorName);
  if (assignor === undefined) throw new Error(`assignor ${assignorName} is not registered (validated on every heartbeat)`);
  const members = new Map<string, AssignorMember>();
  for (const [id, list] of resolved) members.set(id, { topics: list, previousTarget: previous.get(id) ?? new Set() });
  return assignor.assign({ members, topics: new Map(subscribedTopicCounts(resolved, topics)) });
}
