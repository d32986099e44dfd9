import { strict as assert } from 'node:assert';
import { describeHeldOffsets, fetchableOffsets } from '../../src/common/offset-range';

describe('offset ranges as users read them', () => {
  it('names the last record and the log end apart', () => {
    assert.equal(describeHeldOffsets(0, 5), 'it holds offsets 0..4 (the next record gets 5)');
    assert.equal(fetchableOffsets(0, 5), 'from 0 to 5');
  });

  it('says an empty log holds no records, and only its end may be fetched from', () => {
    assert.equal(describeHeldOffsets(7, 7), 'it holds no records (the next record gets 7)');
    assert.equal(fetchableOffsets(7, 7), '7');
  });
});
