import { strict as assert } from 'node:assert';
import { segmentsToDelete } from '../../src/storage/retention-policy';

describe('storage: retention policy', () => {
  const segs = (sizes: number[], times: number[] = sizes.map(() => 0)) => sizes.map((sizeBytes, i) => ({ sizeBytes, maxAppendTimeMs: times[i]! }));

  it('deletes by size while the rest stays at or above retentionBytes', () => {
    assert.equal(segmentsToDelete(segs([100, 100, 100, 50]), { retentionMs: -1, retentionBytes: 180 }, 0), 1);
    assert.equal(segmentsToDelete(segs([100, 100, 100, 50]), { retentionMs: -1, retentionBytes: 0 }, 0), 3);
  });

  it('deletes by time only a leading run of old segments and never the active one', () => {
    const s = segs([1, 1, 1, 1], [10, 50, 20, 5]);
    assert.equal(segmentsToDelete(s, { retentionMs: 100, retentionBytes: -1 }, 140), 1);
    assert.equal(segmentsToDelete(s, { retentionMs: 100, retentionBytes: -1 }, 1000), 3);
  });

  it('keeps everything when both limits are off', () => {
    assert.equal(segmentsToDelete(segs([100, 100]), { retentionMs: -1, retentionBytes: -1 }, 1e12), 0);
  });
});
