// How a partition leader walks its Raft group from the configuration it has to the replica set
// the metadata assigns, one single-server change at a time (thesis §4.1-§4.3): first every new
// replica joins as a learner and is promoted once caught up, so the group never loses
// replication while it grows; only then are the replicas that leave removed — the leader itself
// last, by handing leadership to a replica that stays.
import { asNodeId, type NodeId } from '../common/ids';
import type { ConfChange, ConfigState, ProgressStatus } from '../raft';

/** A learner that has answered and is this many entries (or fewer) behind the commit point counts as caught up. */
export const CATCH_UP_SLACK_ENTRIES = 1000;

export type MembershipStep =
  | { readonly kind: 'done' }
  | { readonly kind: 'change'; readonly change: ConfChange }
  | { readonly kind: 'transfer'; readonly to: NodeId }
  /** Nothing to do until a learner catches up or a replica that stays is ready to lead. */
  | { readonly kind: 'wait'; readonly reason: string };

export interface LeaderView {
  readonly self: number;
  readonly config: ConfigState;
  readonly commit: number;
  readonly progress: readonly ProgressStatus[];
}

/** The next step towards a group whose voters are exactly `target` (and that has no learners). */
export function nextMembershipStep(view: LeaderView, target: readonly number[]): MembershipStep {
  const { config } = view;
  const voters = new Set<number>(config.voters);
  const learners = new Set<number>(config.learners);
  const wanted = new Set(target);
  const matchOf = (id: number): number => view.progress.find((p) => p.id === id)?.match ?? 0;

  const joining = [...wanted].filter((id) => !voters.has(id) && !learners.has(id)).sort((a, b) => a - b);
  if (joining.length > 0) return change('addLearner', joining[0]!);

  const learning = [...wanted].filter((id) => learners.has(id)).sort((a, b) => a - b);
  for (const id of learning) {
    // A learner that never answered has match 0: on a log shorter than the slack it looked caught
    // up, and a broker registered but never started became a voter (found by the fuzzer).
    const match = matchOf(id);
    if (match > 0 && match + CATCH_UP_SLACK_ENTRIES >= view.commit) return change('promote', id);
  }
  const strayLearner = [...learners].find((id) => !wanted.has(id));
  if (strayLearner !== undefined) return change('remove', strayLearner);
  if (learning.length > 0) return { kind: 'wait', reason: `learner(s) ${learning.join(', ')} catching up to ${view.commit}` };

  const leaving = [...voters].filter((id) => !wanted.has(id) && id !== view.self).sort((a, b) => a - b);
  // Of two voters, only the leader may leave (the change must commit with the voter that leaves,
  // docs/raft.md "Two voters"): the leaving one is handed leadership and removes itself.
  if (leaving.length > 0 && voters.size === 2) return { kind: 'transfer', to: asNodeId(leaving[0]!) };
  if (leaving.length > 0) return change('remove', leaving[0]!);
  if (!wanted.has(view.self) && voters.size === 2) return change('remove', view.self);
  if (!wanted.has(view.self)) {
    const successor = [...wanted].sort((a, b) => matchOf(b) - matchOf(a) || a - b)[0];
    if (successor === undefined) return { kind: 'wait', reason: 'no replica that stays to hand leadership to' };
    return { kind: 'transfer', to: asNodeId(successor) };
  }
  return { kind: 'done' };
}

const change = (type: ConfChange['type'], node: number): MembershipStep => ({ kind: 'change', change: { type, node: asNodeId(node) } });
