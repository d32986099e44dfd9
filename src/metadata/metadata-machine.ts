// The stateful shell around applyCommand that a broker's metadata Raft group drives: it decodes
// each committed command, applies it, keeps the current state and tells listeners what changed.
// Its `apply(bytes, index)` matches the CommandMachine the broker's MetadataGroup expects.
import { ErrorCode, SluiceError } from '../common/errors';
import { applyCommand, DEFAULT_METADATA_RULES, type CommandOutcome, type MetadataRules } from './apply-command';
import { decodeCommand, type MetadataCommand } from './metadata-commands';
import { EMPTY_METADATA_STATE, type MetadataState } from './metadata-state';
import { decodeState, encodeState } from './state-codec';

export interface AppliedChange {
  readonly index: number;
  /** Undefined when the bytes did not decode (the outcome then says why). */
  readonly command: MetadataCommand | undefined;
  readonly outcome: CommandOutcome;
  readonly before: MetadataState;
  readonly after: MetadataState;
}

export class MetadataMachine {
  private current: MetadataState;
  private readonly listeners: ((change: AppliedChange) => void)[] = [];

  constructor(private readonly rules: MetadataRules = DEFAULT_METADATA_RULES, initial: MetadataState = EMPTY_METADATA_STATE) {
    this.current = initial;
  }

  get state(): MetadataState {
    return this.current;
  }

  /** Called synchronously after every applied command, accepted or rejected, in log order. */
  onApplied(listener: (change: AppliedChange) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Applies the encoded command committed at `index`. An index at or below the state's version
   * was applied already (a replay after restart from a snapshot) and is skipped with an ok
   * outcome. Undecodable bytes are rejected (INVALID_REQUEST), deterministically on every broker.
   */
  apply(bytes: Uint8Array, index: number): CommandOutcome {
    if (index <= this.current.version) return { ok: true };
    const before = this.current;
    let command: MetadataCommand | undefined;
    let outcome: CommandOutcome;
    try {
      command = decodeCommand(bytes);
    } catch (error) {
      const code = error instanceof SluiceError ? error.code : ErrorCode.INVALID_REQUEST;
      outcome = { ok: false, code, message: (error as Error).message };
      this.current = { ...before, version: index };
      this.notify({ index, command, outcome, before, after: this.current });
      return outcome;
    }
    const result = applyCommand(before, command, index, this.rules);
    this.current = result.state;
    outcome = result.outcome;
    this.notify({ index, command, outcome, before, after: this.current });
    return outcome;
  }

  snapshot(): Uint8Array {
    return encodeState(this.current);
  }

  /** Replaces the state with a snapshot (no listener is called: diff against the old state yourself). */
  restore(snapshot: Uint8Array): void {
    this.current = decodeState(snapshot);
  }

  private notify(change: AppliedChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
