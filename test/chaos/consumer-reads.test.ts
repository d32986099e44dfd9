// The consumer check on hand-made reads and logs: each planted anomaly (a read the log does not
// hold, a skipped offset, an offset handed out twice) is reported with the reads involved, and a
// consumer that read a prefix of the log in order is clean.
import assert from 'node:assert/strict';
import { checkConsumer, consumerViolations, ConsumerReads, FinalLog } from './consumer-reads';

function logOf(partitions: Record<number, string[]>): FinalLog {
  const log = new FinalLog();
  for (const [partition, values] of Object.entries(partitions)) values.forEach((value, offset) => log.record(Number(partition), offset, value));
  return log;
}

function readsOf(list: [number, number, string][]): ConsumerReads {
  const reads = new ConsumerReads('c');
  for (const [partition, offset, value] of list) reads.read(partition, offset, value);
  return reads;
}

describe('chaos consumer check', () => {
  const log = logOf({ 0: ['a-0', 'a-1', 'a-2'], 1: ['a-3'] });

  it('finds nothing in an in-order prefix of each partition', () => {
    const report = checkConsumer(readsOf([[0, 0, 'a-0'], [1, 0, 'a-3'], [0, 1, 'a-1']]), log);
    assert.deepEqual(consumerViolations(report), []);
    assert.equal(report.reads, 3);
  });

  it('reports a read of a value the log holds no longer at that offset', () => {
    const report = checkConsumer(readsOf([[0, 0, 'a-0'], [0, 1, 'b-9']]), log);
    assert.equal(report.readNotInLog, 1);
    assert.match(report.examples[0]!, /read 'b-9' at 0@1, which the log after the run holds 'a-1'/);
  });

  it('reports a read past the end of the final log (the log lost a record a consumer saw)', () => {
    const report = checkConsumer(readsOf([[1, 0, 'a-3'], [1, 1, 'a-4']]), log);
    assert.equal(report.readNotInLog, 1);
    assert.match(report.examples[0]!, /does not reach/);
  });

  it('reports a skipped offset', () => {
    const report = checkConsumer(readsOf([[0, 0, 'a-0'], [0, 2, 'a-2']]), log);
    assert.equal(report.skipped, 1);
    assert.match(report.examples[0]!, /offsets 1\.\.1 skipped/);
  });

  it('reports an offset handed out twice', () => {
    const report = checkConsumer(readsOf([[0, 0, 'a-0'], [0, 1, 'a-1'], [0, 1, 'a-1']]), log);
    assert.equal(report.reread, 1);
    assert.deepEqual(consumerViolations(report).slice(0, 1), ['c: reread 1']);
  });
});
