// Restarts of a one-voter Raft group after an append that failed and was undone (a full disk):
// the log is as it was, so starting the group again over it is what a broker restart would do,
// and the partition takes writes again once the disk has room (docs/architecture.md, "fsync
// failure is fatal for the partition"). A restart whose group fails again at once is retried
// after a pause that grows to MAX_RESTART_DELAY_MS.
import type { Logger } from '../common/logger';
import type { ChangeSignal } from './change-signal';

/** Longest pause between restarts of a group whose appends keep failing (the disk stays full). */
const MAX_RESTART_DELAY_MS = 1000;
/** Far above the milliseconds an only voter takes to lead again after a restart. */
const RESTART_ELECTION_MS = 10_000;

export interface RestartableGroup {
  /** Starts the group again over the same log (open-replicated.ts). */
  restart(): Promise<void>;
  /** The restarted group leads and knows its commit point. */
  leading(): boolean;
  /** Fires when leadership or the commit point moves. */
  readonly changed: ChangeSignal;
  /** The restart itself failed: the partition stays stopped with this reason. */
  giveUp(reason: string): void;
}

export class GroupRestarts {
  private current: { readonly attempt: number; readonly done: Promise<void>; readonly reason: string } | undefined;
  private attempts = 0;
  /** Restarts since the group last led with its commit point known. */
  private failedInARow = 0;

  constructor(
    private readonly group: RestartableGroup,
    private readonly logger: Logger,
    private readonly name: string,
  ) {}

  /** Resolves when the running restart led again or gave up; undefined when none runs. */
  get running(): Promise<void> | undefined {
    return this.current?.done;
  }

  /** Why the group is restarting (what produce answers meanwhile), or undefined. */
  get reason(): string | undefined {
    return this.current?.reason;
  }

  /** Starts a restart after the failure `reason` (replacing one still waiting for its election). */
  begin(reason: string): void {
    const attempt = ++this.attempts;
    this.current = { attempt, reason, done: this.run(attempt, reason) };
  }

  private async run(attempt: number, reason: string): Promise<void> {
    const delayMs = this.failedInARow === 0 ? 0 : Math.min(MAX_RESTART_DELAY_MS, 2 ** this.failedInARow);
    this.failedInARow++;
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    const current = (): boolean => this.current?.attempt === attempt;
    try {
      await this.group.restart();
    } catch (error) {
      if (current()) this.current = undefined;
      this.group.giveUp(`${reason}; restarting it failed too (${(error as Error).message}); restart the broker to recover it`);
      return;
    }
    this.logger.warn(`${this.name}: restarted its Raft group after an append that failed and was undone`);
    // On the monotonic clock, which no wall-clock step moves (docs/chaos.md "Clock faults").
    const deadline = performance.now() + RESTART_ELECTION_MS;
    // Ends when the group leads, fails again (a new restart replaces this one) or the deadline passes.
    while (current() && !this.group.leading() && performance.now() < deadline) await this.group.changed.wait(deadline - performance.now());
    if (!current()) return;
    if (this.group.leading()) this.failedInARow = 0;
    this.current = undefined;
  }
}
