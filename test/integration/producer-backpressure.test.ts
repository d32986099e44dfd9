// The producer's buffer limit against a real broker process that stalls (SIGSTOP): the producer
// holds at most about bufferMemory bytes while the broker does not answer, the records past it
// wait and then land in order once it resumes, and a record that waited maxBlockMs fails and is
// never stored.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SluiceBufferExhaustedError, SluiceClient, type ConsumedRecord, type Producer } from '../../src/client';
import { startBrokerProcess, type BrokerProcess } from './broker-process';
import { until } from '../until';

const VALUE_BYTES = 100;
const RECORD_BYTES = VALUE_BYTES + 8; // the producer's estimate: value + 8

interface Told { readonly index: number; readonly error: Error | null; readonly offset: number }

describe('producer back-pressure against a stalled broker process (SIGSTOP)', function () {
  let dataDir: string;
  let broker: BrokerProcess;
  let client: SluiceClient;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sluice-backpressure-'));
    broker = await startBrokerProcess(dataDir);
    client = new SluiceClient({ brokers: [broker.address], requestTimeoutMs: 30_000 });
    await client.admin().createTopics([{ name: 'bp', partitions: 1 }]);
  });

  afterEach(async () => {
    broker.child.kill('SIGCONT');
    await client.close();
    await broker.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  const value = (index: number): Buffer => Buffer.from(String(index).padStart(VALUE_BYTES, '0'));

  async function connectedProducer(options: { bufferMemory: number; maxBlockMs?: number }): Promise<Producer> {
    const producer = client.producer({ lingerMs: 0, ...options });
    await producer.connect();
    assert.equal((await producer.produce('bp', { value: value(-1) })).offset, 0); // metadata, stream open
    return producer;
  }

  function produceAll(producer: Producer, count: number, told: Told[]): void {
    for (let index = 0; index < count; index++) {
      producer.produce('bp', { value: value(index) }, (error, metadata) => told.push({ index, error, offset: metadata?.offset ?? -1 }));
    }
  }

  async function readAll(expected: number): Promise<ConsumedRecord[]> {
    const [end] = await client.admin().listOffsets([{ topic: 'bp', partition: 0, timestamp: -1 }]); // -1: the high watermark
    assert.equal(end!.offset, expected, 'records stored');
    const consumer = client.consumer();
    await consumer.connect();
    consumer.assign([{ topic: 'bp', partition: 0 }]);
    await consumer.seek({ topic: 'bp', partition: 0, offset: 'earliest' });
    const got: ConsumedRecord[] = [];
    let done!: () => void;
    const enough = new Promise<void>((resolve) => (done = resolve));
    const running = consumer.run({ eachRecord: (record) => { got.push(record); if (got.length === expected) done(); } });
    await enough;
    await consumer.stop();
    await running;
    await consumer.disconnect();
    return got;
  }

  it('holds about bufferMemory bytes while the broker is stopped, then stores every record once, in order', async () => {
    const bufferMemory = 64 * 1024;
    const producer = await connectedProducer({ bufferMemory });
    broker.child.kill('SIGSTOP');
    const told: Told[] = [];
    produceAll(producer, 2000, told);
    await until(() => producer.bufferedBytes >= bufferMemory, 'the buffer to fill while the broker is stopped');
    assert.equal(told.length, 0, 'the stalled broker answers nothing');
    assert.ok(producer.bufferedBytes <= bufferMemory + RECORD_BYTES, `held ${producer.bufferedBytes} bytes`);
    assert.ok(producer.bufferedBytes >= bufferMemory, 'the buffer filled');

    broker.child.kill('SIGCONT');
    await producer.flush();
    assert.equal(told.length, 2000);
    assert.deepEqual(told.filter((t) => t.error), []);
    assert.deepEqual(told.map((t) => t.offset), told.map((t) => t.index + 1), 'offsets in produce order');
    assert.equal(producer.bufferedBytes, 0);

    const stored = await readAll(2001);
    assert.deepEqual(stored.slice(1).map((r) => Number(r.value!.toString())), Array.from({ length: 2000 }, (_, i) => i));
  });

  it('fails the records that waited maxBlockMs and stores only those admitted', async () => {
    const bufferMemory = 10 * RECORD_BYTES;
    const producer = await connectedProducer({ bufferMemory, maxBlockMs: 200 });
    broker.child.kill('SIGSTOP');
    const told: Told[] = [];
    produceAll(producer, 50, told);
    await until(() => told.length >= 40, 'the 40 records that waited maxBlockMs to be told');
    assert.ok(told.every((t) => t.error instanceof SluiceBufferExhaustedError), 'only the waiting records were told, each with the buffer error');
    assert.deepEqual(told.map((t) => t.index), Array.from({ length: 40 }, (_, i) => i + 10));

    broker.child.kill('SIGCONT');
    await producer.flush();
    assert.deepEqual(told.slice(40).map((t) => [t.index, t.error, t.offset]), Array.from({ length: 10 }, (_, i) => [i, null, i + 1]));
    const stored = await readAll(11);
    assert.deepEqual(stored.slice(1).map((r) => Number(r.value!.toString())), Array.from({ length: 10 }, (_, i) => i));
  });
});
