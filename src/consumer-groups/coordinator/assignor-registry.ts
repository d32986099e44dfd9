// The assignors a consumer group may choose by name (a member's preferred assignor).
import type { ConsumerGroupAssignor } from './assignor';
import { RangeAssignor } from './range-assignor';
import { UniformAssignor } from './uniform-assignor';

export const ASSIGNORS: ReadonlyMap<string, ConsumerGroupAssignor> = new Map<string, ConsumerGroupAssignor>([
  ['uniform', new UniformAssignor()],
  ['range', new RangeAssignor()],
]);

export function assignorNames(): string {
  return [...ASSIGNORS.keys()].map((n) => `'${n}'`).join(' or ');
}
