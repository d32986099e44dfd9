// Random faults on a real 3-broker cluster (test/integration/cluster-harness.ts), drawn from a
// seeded generator so a run can be repeated: kill -9 of one broker, kill -9 of two, SIGSTOP of a
// partition's leader, and kill -9 of all three (a full restart). Each is held for a few seconds,
// then undone. Used by scripts/chaos-run.ts (docs/chaos.md).
import { sleep, type ClusterHarness } from '../integration/cluster-harness';
import { holdsWithin } from './fault-run';
import { seededRandom } from '../../src/cli/bench/keys';

export { seededRandom };

export type FaultKind = 'kill-one' | 'kill-two' | 'pause-leader' | 'restart-all';
export const FAULT_KINDS: readonly FaultKind[] = ['kill-one', 'kill-two', 'pause-leader', 'restart-all'];

export interface Fault {
  readonly kind: FaultKind;
  /** The brokers killed or paused. */
  readonly brokers: readonly number[];
  readonly holdMs: number;
  /** The partition whose leader was paused (pause-leader only). */
  readonly partition?: number;
}

export class FaultInjector {
  private paused: number | undefined;

  constructor(
    private readonly cluster: ClusterHarness,
    private readonly topic: string,
    private readonly partitions: number,
    private readonly random: () => number,
  ) {}

  /** Picks a fault and how long to hold it (holdMinMs..holdMaxMs). */
  async pick(holdMinMs: number, holdMaxMs: number): Promise<Fault> {
    const kind = FAULT_KINDS[Math.floor(this.random() * FAULT_KINDS.length)]!;
    const holdMs = Math.round(holdMinMs + this.random() * (holdMaxMs - holdMinMs));
    const ids = this.shuffled(this.cluster.ids);
    switch (kind) {
      case 'kill-one': return { kind, brokers: ids.slice(0, 1), holdMs };
      case 'kill-two': return { kind, brokers: ids.slice(0, 2), holdMs };
      case 'restart-all': return { kind, brokers: ids, holdMs };
      case 'pause-leader': {
        const partition = Math.floor(this.random() * this.partitions);
        return { kind, brokers: [await this.cluster.leaderOf(this.topic, partition)], holdMs, partition };
      }
    }
  }

  /** Applies the fault, holds it, and undoes it (killed brokers restart one at a time). */
  async inflict(fault: Fault): Promise<void> {
    if (fault.kind === 'pause-leader') {
      this.paused = fault.brokers[0]!;
      this.cluster.processes.get(this.paused)!.child.kill('SIGSTOP');
      await sleep(fault.holdMs);
      this.resume();
      return;
    }
    for (const id of fault.brokers) await this.cluster.kill(id, 'SIGKILL');
    await sleep(fault.holdMs);
    for (const id of fault.brokers) await this.cluster.start(id);
  }

  /** SIGCONT to a paused broker, if any (also for a run that ends early). */
  resume(): void {
    if (this.paused === undefined) return;
    this.cluster.processes.get(this.paused)?.child.kill('SIGCONT');
    this.paused = undefined;
  }

  /** Waits until every partition has a live leader; false if that takes longer than `timeoutMs`. */
  async recovered(timeoutMs: number): Promise<boolean> {
    return holdsWithin(async () => {
      try {
        for (let p = 0; p < this.partitions; p++) await this.cluster.leaderOf(this.topic, p);
        return true;
      } catch {
        return false;
      }
    }, timeoutMs);
  }

  private shuffled(ids: readonly number[]): number[] {
    const copy = [...ids];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy;
  }
}
