// The controller: a Raft group over the brokers whose log holds metadata commands. Every broker
// applies the committed commands in order to the same deterministic state machine; only the
// group's leader proposes. Entries use the partition entry format (one "record" per command)
// so that the metadata log is stored like any partition log.
import type { Clock } from '../../common/clock';
import { ErrorCode } from '../../common/errors';
import type { Logger } from '../../common/logger';
import { ChangeSignal } from '../../partition/change-signal';
import type { Entry, SoftState } from '../../raft';
import type { GroupDriver, GroupStateMachine } from '../../replication/group-driver';
import { encodeEntryData, PREFIX_BYTES } from '../../replication/partition-entry';
import type { EntryHeader } from '../../storage/types';

export type CommandOutcome = { readonly ok: true } | { readonly ok: false; readonly code: ErrorCode; readonly message: string };

/** The deterministic state machine the commands drive. */
export interface CommandMachine {
  apply(command: Uint8Array, index: number): CommandOutcome;
}

interface PendingCommand {
  readonly term: number;
  readonly resolve: (outcome: CommandOutcome) => void;
}

export class MetadataGroup implements GroupStateMachine {
  /** Fires after every batch of applied commands. */
  readonly changed = new ChangeSignal();
  private driver: GroupDriver | undefined;
  private readonly pending = new Map<number, PendingCommand>();
  private leader: number | null = null;
  private isLeader = false;
  private term = 0;
  private appliedIndex = 0;
  private readonly listeners: (() => void)[] = [];

  constructor(
    private readonly machine: CommandMachine,
    private readonly nodeId: number,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  attach(driver: GroupDriver): void {
    this.driver = driver;
  }

  get leaderId(): number | null {
    return this.leader;
  }

  get leading(): boolean {
    return this.isLeader;
  }

  get applied(): number {
    return this.appliedIndex;
  }

  /** Called (synchronously, in order) after commands are applied. */
  onApplied(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Leader only: proposes a command and resolves with its outcome once committed and applied. */
  propose(command: Uint8Array): Promise<CommandOutcome> {
    const driver = this.driver;
    if (!driver || !this.isLeader) {
      return Promise.resolve({ ok: false, code: ErrorCode.NOT_LEADER, message: `broker ${this.nodeId} is not the metadata leader (leader: ${this.leader ?? 'none yet'})` });
    }
    const now = this.clock.nowMs();
    const data = encodeEntryData({ recordCount: 1, maxTimestampMs: now, appendTimeMs: now, producerId: 0, producerEpoch: 0, baseSequence: 0 }, command);
    const proposed = driver.node.propose(data);
    if (!proposed.ok) return Promise.resolve({ ok: false, code: ErrorCode.NOT_LEADER, message: `metadata proposal refused: ${proposed.reason}` });
    driver.schedule();
    return new Promise((resolve) => this.pending.set(proposed.index, { term: proposed.term, resolve }));
  }

  onAppended(_entries: readonly Entry[], _headers: readonly EntryHeader[]): void {}

  async onTruncated(fromIndex: number): Promise<void> {
    for (const [index, pending] of this.pending) {
      if (index >= fromIndex) {
        this.pending.delete(index);
        pending.resolve({ ok: false, code: ErrorCode.NOT_LEADER, message: 'the metadata leader changed before the command committed; retry' });
      }
    }
  }

  onSnapshotInstalled(): void {
    throw new Error('the metadata log is never truncated below its start, so it never installs a snapshot');
  }

  onCommitted(entries: readonly Entry[]): void {
    for (const entry of entries) {
      this.appliedIndex = entry.index;
      if (entry.type !== 'normal' || entry.data.byteLength === 0) continue;
      let outcome: CommandOutcome;
      try {
        outcome = this.machine.apply(entry.data.subarray(PREFIX_BYTES), entry.index);
      } catch (error) {
        this.logger.error({ err: error, index: entry.index }, 'metadata command failed to apply');
        outcome = { ok: false, code: ErrorCode.UNKNOWN, message: `metadata command at index ${entry.index} failed: ${(error as Error).message}` };
      }
      const pending = this.pending.get(entry.index);
      if (pending) {
        this.pending.delete(entry.index);
        pending.resolve(pending.term === entry.term ? outcome : { ok: false, code: ErrorCode.NOT_LEADER, message: 'the metadata leader changed; retry' });
      }
    }
    for (const listener of this.listeners) listener();
    this.changed.notify();
  }

  onSoftState(soft: SoftState, term: number): void {
    const was = this.isLeader;
    this.leader = soft.leader;
    this.isLeader = soft.role === 'leader';
    this.term = term;
    if (this.isLeader && !was) this.logger.info({ term }, `node ${this.nodeId} became the metadata leader at term ${term}`);
    if (was && !this.isLeader) {
      for (const pending of this.pending.values()) pending.resolve({ ok: false, code: ErrorCode.NOT_LEADER, message: 'the metadata leader changed; retry' });
      this.pending.clear();
    }
    this.changed.notify();
  }

  onFailed(error: Error): void {
    this.logger.fatal({ err: error }, 'the metadata group stopped after a storage failure');
  }

  get currentTerm(): number {
    return this.term;
  }
}
