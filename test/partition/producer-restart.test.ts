// Idempotent-producer state across a restart of a single-broker partition: after a clean close
// the table kept with the log is exact, so a retried batch is still a duplicate however many
// batches other producers wrote after it; after a crash it is rebuilt from the log's tail.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../src/common/clock';
import { ErrorCode } from '../../src/common/errors';
import { moduleLogger } from '../../src/common/logger';
import { Partition } from '../../src/partition/partition';
import { PRODUCER_STATE_REPLAY_ENTRIES } from '../../src/partition/producer-state-rebuild';
import { StorageEngine } from '../../src/storage/storage-engine';
import { DEFAULT_LOG_CONFIG } from '../../src/storage/types';
import { encodeBatch } from '../broker/broker-fixture';

const TP = { topic: 'producers', partition: 0 };
const CONFIG = { ...DEFAULT_LOG_CONFIG, flushPolicy: 'interval' as const, flushIntervalMs: 3_600_000 };

describe('idempotent producers across a restart (single broker)', () => {
  let dir: string;
  let engine: StorageEngine;
  let partition: Partition;

  const open = async (): Promise<void> => {
    engine = await StorageEngine.open({ dataDir: dir });
    partition = await Partition.open(TP, await engine.openLog(TP.topic, TP.partition, CONFIG), CONFIG, systemClock, moduleLogger('test'));
  };
  const produce = (producerId: number, baseSequence: number, value: string) =>
    partition.produce({ batch: encodeBatch([value], { producerId, baseSequence }), acks: 'all', recordCount: 1, maxTimestampMs: 0, producerId, producerEpoch: 0, baseSequence });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-producer-restart-'));
    await open();
    assert.ok((await produce(7, 0, 'once')).ok);
    const others = Array.from({ length: PRODUCER_STATE_REPLAY_ENTRIES + 100 }, (_, i) => produce(0, 0, `other-${i}`));
    assert.ok((await Promise.all(others)).every((o) => o.ok));
  });

  afterEach(async () => {
    await partition.close();
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a batch retried after a clean restart as a duplicate, from the table kept with the close', async () => {
    await partition.close();
    await engine.close();
    await open();
    const retried = await produce(7, 0, 'once');
    assert.deepEqual(retried.ok && [retried.code, retried.baseOffset], [ErrorCode.DUPLICATE_SEQUENCE, 0]);
  });

  it('after a crash knows only the producers in the log tail it reads (the limit the clean close lifts)', async () => {
    await engine.close(); // the log closes without the partition's table: as after a crash
    await open();
    const retried = await produce(7, 0, 'once');
    assert.deepEqual(retried.ok && [retried.code, retried.baseOffset], [ErrorCode.NONE, PRODUCER_STATE_REPLAY_ENTRIES + 101]);
  });
});
