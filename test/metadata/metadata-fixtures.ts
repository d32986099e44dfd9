// Builds metadata states by applying commands, the way a broker does.
import { strict as assert } from 'node:assert';
import { applyCommand, DEFAULT_METADATA_RULES, type MetadataRules } from '../../src/metadata/apply-command';
import type { CreateTopic, MetadataCommand, RegisterBroker } from '../../src/metadata/metadata-commands';
import { EMPTY_METADATA_STATE, type MetadataState } from '../../src/metadata/metadata-state';

export function register(id: number, rack: string | null = null): RegisterBroker {
  return { type: 'RegisterBroker', id, host: '127.0.0.1', port: 19090 + id, httpPort: 19640 + id, rack, nowMs: 1_000 + id };
}

export function createTopic(name: string, partitions: number, replicationFactor: number, extra: Partial<CreateTopic> = {}): CreateTopic {
  return { type: 'CreateTopic', name, partitions, replicationFactor, config: {}, internal: false, nowMs: 5_000, ...extra };
}

/** Applies commands in order (indexes after state.version); every one must succeed. */
export function applyAll(commands: readonly MetadataCommand[], state: MetadataState = EMPTY_METADATA_STATE, rules: MetadataRules = DEFAULT_METADATA_RULES): MetadataState {
  let current = state;
  for (const command of commands) {
    const result = applyCommand(current, command, current.version + 1, rules);
    assert.ok(result.outcome.ok, `${command.type} failed: ${result.outcome.ok ? '' : result.outcome.message}`);
    current = result.state;
  }
  return current;
}

/** A state with brokers 1..n registered (racks assigned round-robin from `racks`, when given). */
export function cluster(n: number, racks: readonly string[] = []): MetadataState {
  return applyAll(Array.from({ length: n }, (_, i) => register(i + 1, racks.length > 0 ? racks[i % racks.length]! : null)));
}

/** Applies one command and returns its rejection (fails the test when it was accepted). */
export function rejection(state: MetadataState, command: MetadataCommand): { code: number; message: string; state: MetadataState } {
  const result = applyCommand(state, command, state.version + 1);
  assert.ok(!result.outcome.ok, `${command.type} was accepted but should be rejected`);
  return { code: result.outcome.code, message: result.outcome.message, state: result.state };
}
