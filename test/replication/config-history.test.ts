import assert from 'node:assert/strict';
import { asNodeId, asRaftIndex, asTerm } from '../../src/common/ids';
import { encodeConfigEntry, makeConfig, type ConfigState, type Entry } from '../../src/raft';
import { ConfigHistory, type LogBounds } from '../../src/replication/config-history';

const BOOT = makeConfig([1, 2, 3]);

function configEntry(index: number, term: number, previous: ConfigState, config: ConfigState, previousIndex: number): Entry {
  const data = encodeConfigEntry({ change: { type: 'addLearner', node: asNodeId(4) }, config, previous, previousIndex: asRaftIndex(previousIndex) });
  return { index: asRaftIndex(index), term: asTerm(term), type: 'config', data };
}

/** A log holding indexes [firstIndex, lastIndex] with the given terms (others: term 1). */
const logOf = (firstIndex: number, lastIndex: number, terms: Record<number, number> = {}): LogBounds => ({
  firstIndex, lastIndex, termAt: (i) => (i >= firstIndex - 1 && i <= lastIndex ? terms[i] ?? 1 : undefined),
});

describe('ConfigHistory', () => {
  const withLearner = makeConfig([1, 2, 3], [4]);
  const promoted = makeConfig([1, 2, 3, 4]);

  it('resumes with the last config entry that reached the log', () => {
    const history = ConfigHistory.bootstrap(BOOT);
    history.add([configEntry(5, 1, BOOT, withLearner, 0), configEntry(9, 1, withLearner, promoted, 5)]);
    assert.deepEqual(history.current(logOf(1, 12)).config, promoted);
    assert.equal(history.current(logOf(1, 12)).index, 9);
    assert.deepEqual(history.current(logOf(1, 7)).config, withLearner, 'entry 9 never reached the disk (crash before the append)');
    assert.deepEqual(history.current(logOf(1, 12, { 9: 2 })).config, withLearner, 'index 9 holds a different entry (other term)');
    assert.deepEqual(history.current(logOf(1, 3)).config, BOOT);
  });

  it('survives encoding through the meta store and reads the older bare-config form', () => {
    const history = ConfigHistory.bootstrap(BOOT);
    history.add([configEntry(5, 1, BOOT, withLearner, 0)]);
    const decoded = ConfigHistory.decode(JSON.parse(JSON.stringify(history.encode())))!;
    assert.deepEqual(decoded.current(logOf(1, 6)).config, withLearner);
    assert.deepEqual(ConfigHistory.decode({ voters: [3, 1], learners: [] })!.current(logOf(1, 6)).config, makeConfig([1, 3]));
    assert.equal(ConfigHistory.decode(undefined), undefined);
  });

  it('serves a recorded config entry back byte for byte, so the core can revert it', () => {
    const history = ConfigHistory.bootstrap(BOOT);
    const entry = configEntry(5, 2, BOOT, withLearner, 0);
    history.add([entry]);
    const served = history.entry(5)!;
    assert.deepEqual(Buffer.from(served.data), Buffer.from(entry.data));
    assert.equal(served.term, 2);
    assert.equal(history.entry(6), undefined);
    history.dropFrom(5);
    assert.equal(history.entry(5), undefined);
    assert.deepEqual(history.current(logOf(1, 9)).config, BOOT);
  });

  it('answers the configuration at a snapshot point and prunes what no restart or snapshot needs', () => {
    const history = ConfigHistory.bootstrap(BOOT);
    history.add([configEntry(5, 1, BOOT, withLearner, 0), configEntry(9, 1, withLearner, promoted, 5)]);
    assert.deepEqual(history.at(logOf(1, 20), 7), withLearner);
    history.prune(logOf(8, 20), 20);
    assert.deepEqual(history.at(logOf(8, 20), 7), withLearner, 'kept: the snapshot point 7 needs the entry at 5');
    assert.equal(history.encode().history.length, 2);
    history.prune(logOf(15, 20), 20);
    assert.equal(history.encode().history.length, 1);
    assert.deepEqual(history.current(logOf(15, 20)).config, promoted);
  });
});
