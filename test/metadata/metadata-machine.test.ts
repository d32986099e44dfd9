import { strict as assert } from 'node:assert';
import { ErrorCode } from '../../src/common/errors';
import { encodeCommand } from '../../src/metadata/metadata-commands';
import { MetadataMachine, type AppliedChange } from '../../src/metadata/metadata-machine';
import { createTopic, register } from './metadata-fixtures';

describe('metadata machine', () => {
  it('applies encoded commands in order and reports each change', () => {
    const machine = new MetadataMachine();
    const seen: AppliedChange[] = [];
    machine.onApplied((change) => seen.push(change));
    assert.deepEqual(machine.apply(encodeCommand(register(1)), 1), { ok: true });
    const rejected = machine.apply(encodeCommand(createTopic('t', 1, 2)), 2);
    assert.equal(rejected.ok, false);
    assert.equal(!rejected.ok && rejected.code, ErrorCode.INVALID_REPLICATION_FACTOR);
    assert.deepEqual(seen.map((c) => [c.index, c.command?.type, c.outcome.ok]), [[1, 'RegisterBroker', true], [2, 'CreateTopic', false]]);
    assert.equal(seen[1]!.before, seen[0]!.after);
    assert.equal(machine.state.version, 2);
  });

  it('rejects undecodable bytes deterministically and moves on', () => {
    const machine = new MetadataMachine();
    const outcome = machine.apply(Buffer.from('garbage'), 1);
    assert.equal(!outcome.ok && outcome.code, ErrorCode.INVALID_REQUEST);
    assert.equal(machine.state.version, 1);
    assert.equal(machine.apply(encodeCommand(register(1)), 2).ok, true);
  });

  it('skips indexes it has applied already (replay after a snapshot)', () => {
    const machine = new MetadataMachine();
    machine.apply(encodeCommand(register(1)), 1);
    machine.apply(encodeCommand(createTopic('t', 1, 1)), 2);
    const restored = new MetadataMachine();
    restored.restore(machine.snapshot());
    assert.deepEqual(restored.apply(encodeCommand(createTopic('t', 1, 1)), 2), { ok: true });
    assert.deepEqual(restored.state, machine.state);
    const replayed = restored.apply(encodeCommand(createTopic('t', 1, 1)), 3);
    assert.equal(!replayed.ok && replayed.code, ErrorCode.TOPIC_ALREADY_EXISTS);
  });

  it('brings two machines fed the same log to the same state', () => {
    const log = [register(2, 'b'), register(1, 'a'), register(3, 'a'), createTopic('x', 7, 2), createTopic('y', 2, 3), createTopic('x', 1, 1)].map(encodeCommand);
    const a = new MetadataMachine();
    const b = new MetadataMachine();
    log.forEach((entry, i) => { a.apply(entry, i + 1); b.apply(entry, i + 1); });
    assert.deepEqual(Buffer.from(a.snapshot()), Buffer.from(b.snapshot()));
  });
});
