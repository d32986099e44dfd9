// The fault tests' checker on hand-made histories and logs: each kind of broken promise is
// detected and counted, and what the promises allow (an unknown outcome stored once or not at all,
// another producer's records) is not reported.
import assert from 'node:assert/strict';
import { SluiceDeliveryTimeoutError, SluicePartitionError, ErrorCode } from '../../src/client/errors';
import { checkLog, violations, type ProducerReport } from './checker';
import { History } from './history';

const unknown = (): Error => new SluiceDeliveryTimeoutError(true, 4, 3000, undefined);
const notStored = (): Error => new SluicePartitionError(ErrorCode.INVALID_RECORD, 't', 0, 'bad record');

/** A history of `outcomes`: [partition, offset] = acknowledged there, 'unknown', 'not-stored', 'pending'. */
function historyOf(name: string, outcomes: ([number, number] | 'unknown' | 'not-stored' | 'pending')[], options: { idempotent?: boolean } = {}): History {
  const history = new History(name, options);
  for (const outcome of outcomes) {
    const { callback } = history.invoke();
    if (outcome === 'unknown') callback(unknown(), undefined);
    else if (outcome === 'not-stored') callback(notStored(), undefined);
    else if (outcome !== 'pending') callback(null, { topic: 't', partition: outcome[0], offset: outcome[1] });
  }
  return history;
}

/** A log of one partition per array: values at offsets 0, 1, 2, … */
function logOf(...partitions: (string | null)[][]): { partition: number; offset: number; value: string | null }[] {
  return partitions.flatMap((values, partition) => values.map((value, offset) => ({ partition, offset, value })));
}

function reportOf(history: History, log: ReturnType<typeof logOf>): ProducerReport {
  return checkLog([history], log).producers[0]!;
}

describe('chaos checker', () => {
  it('passes a log that holds every acknowledged record at its offset, once', () => {
    const history = historyOf('a', [[0, 0], [0, 1], [1, 0]]);
    const result = checkLog([history], logOf(['a-0', 'a-1'], ['a-2']));
    assert.deepEqual(violations(result), []);
    assert.equal(result.producers[0]!.acknowledged, 3);
    assert.equal(result.recordsRead, 3);
  });

  it('counts an acknowledged record that is nowhere as lost (and misplaced when its offset holds another record)', () => {
    const beyondTheEnd = reportOf(historyOf('a', [[0, 0], [0, 1]]), logOf(['a-0']));
    assert.equal(beyondTheEnd.lost, 1);
    assert.equal(beyondTheEnd.misplaced, 0);
    const overwritten = reportOf(historyOf('a', [[0, 0], [0, 1], 'unknown']), logOf(['a-0', 'a-2']));
    assert.equal(overwritten.lost, 1);
    assert.equal(overwritten.misplaced, 1);
    assert.equal(overwritten.unknownStored, 1);
  });

  it('counts an acknowledged record stored at another offset or partition as misplaced', () => {
    const report = reportOf(historyOf('a', [[0, 0], [0, 1], [1, 0]]), logOf(['a-1', 'a-0'], ['a-2']));
    assert.equal(report.misplaced, 2);
    assert.equal(report.lost, 0);
    const otherPartition = reportOf(historyOf('a', [[0, 0]]), logOf([], ['a-0']));
    assert.equal(otherPartition.misplaced, 1);
  });

  it('counts two records acknowledged at the same offset (the issue\'s DUPLICATE_SEQUENCE lie)', () => {
    const report = reportOf(historyOf('a', [[0, 0], [0, 1], 'unknown', [0, 1]]), logOf(['a-0', 'a-1', 'a-2']));
    assert.equal(report.misplaced, 1);
    assert.equal(report.lost, 1);
    assert.match(violations(checkLog([historyOf('a', [[0, 0], [0, 0]])], logOf(['a-0']))).join('\n'), /a-1 acknowledged at 0@0, which holds another record/);
  });

  it('counts records stored twice as duplicated, whatever their outcome', () => {
    const report = reportOf(historyOf('a', [[0, 0], 'unknown']), logOf(['a-0', 'a-1', 'a-0', 'a-1']));
    assert.equal(report.duplicated, 2);
    assert.equal(report.misplaced, 0, 'the acknowledged copy is where it was acknowledged');
    assert.deepEqual(violations(checkLog([historyOf('a', [[0, 0], 'unknown'])], logOf(['a-0', 'a-1', 'a-0', 'a-1'])))[0], 'a: duplicated 2');
  });

  it('allows a producer that is not idempotent its duplicates, and still finds its lost and misplaced records', () => {
    const history = historyOf('n', [[0, 2], [0, 1], [0, 0]], { idempotent: false });
    const result = checkLog([history], logOf(['n-0', 'n-1', 'n-0']));
    assert.equal(result.producers[0]!.duplicated, 1, 'n-0 is stored twice (a retry of a stored batch)');
    assert.deepEqual(violations(result), ['n: lost 1', 'n: misplaced 1', '  n-2 acknowledged at 0@0 is not stored', '  n-2 acknowledged at 0@0, which holds another record']);
    assert.deepEqual(violations(checkLog([historyOf('n', [[0, 1]], { idempotent: false })], logOf(['n-0', 'n-0']))), [], 'duplicates alone are no violation');
  });

  it('counts a record reported as certainly not stored that is stored', () => {
    const report = reportOf(historyOf('a', [[0, 0], 'not-stored', 'not-stored']), logOf(['a-0', 'a-1']));
    assert.equal(report.failedButStored, 1);
    assert.equal(report.failedNotStored, 2);
    assert.deepEqual(report.failureKinds, { 'SluicePartitionError: t/N: INVALID_RECORD: bad record': 2 });
  });

  it('allows an unknown outcome stored once or not at all, and counts both', () => {
    const result = checkLog([historyOf('a', ['unknown', 'unknown', [0, 1]])], logOf(['a-0', 'a-2']));
    assert.deepEqual(violations(result), []);
    assert.equal(result.producers[0]!.unknownStored, 1);
    assert.equal(result.producers[0]!.unknownAbsent, 1);
    assert.equal(result.producers[0]!.failedUnknown, 2);
  });

  it('counts values of this producer that were never produced, records no producer made, and offset gaps', () => {
    const result = checkLog([historyOf('a', [[0, 0]])], [
      { partition: 0, offset: 0, value: 'a-0' },
      { partition: 0, offset: 1, value: 'a-7' },
      { partition: 0, offset: 2, value: 'zz-1' },
      { partition: 0, offset: 4, value: null },
    ]);
    assert.equal(result.producers[0]!.neverProduced, 1);
    assert.equal(result.strangers, 2);
    assert.equal(result.offsetGaps, 1);
    assert.deepEqual(violations(result).filter((line) => !line.startsWith(' ')), ['a: neverProduced 1', 'strangers 2', 'offsetGaps 1']);
  });

  it('counts records never told an outcome as pending (a run that could not flush proves nothing)', () => {
    const report = reportOf(historyOf('a', [[0, 0], 'pending']), logOf(['a-0']));
    assert.equal(report.pending, 1);
    assert.deepEqual(violations(checkLog([historyOf('a', ['pending'])], logOf([]))), ['a: pending 1']);
  });

  it('checks each producer of a shared log against its own history', () => {
    const a = historyOf('a', [[0, 0], [0, 2]]);
    const b = historyOf('b', [[0, 1], 'not-stored']);
    const result = checkLog([a, b], logOf(['a-0', 'b-1', 'a-1']));
    assert.deepEqual(result.producers.map((p) => [p.producer, p.lost, p.misplaced, p.failedButStored, p.neverProduced]), [
      ['a', 0, 0, 0, 0],
      ['b', 1, 1, 1, 0],
    ]);
    assert.equal(result.strangers, 0);
  });

  it('refuses two histories with one name, a name that cannot prefix values, and a second outcome', () => {
    assert.throws(() => checkLog([new History('a'), new History('a')], []), /two histories are named 'a'/);
    assert.throws(() => new History('a-b'), /must be letters, digits or '_'/);
    const history = new History('a');
    const { callback } = history.invoke();
    callback(null, { topic: 't', partition: 0, offset: 0 });
    assert.throws(() => callback(null, { topic: 't', partition: 0, offset: 1 }), /told its outcome twice/);
  });
});
