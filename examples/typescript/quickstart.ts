// The README's TypeScript example, runnable: `make build && node dist/examples/typescript/quickstart.js [host:port]`.
// Produces two records, reads them back as a consumer group, commits, and closes the client.
import { SluiceClient } from '../../src/client';

async function main(): Promise<void> {
  const client = new SluiceClient({ brokers: [process.argv[2] ?? '127.0.0.1:9092'] });
  try {
    const admin = client.admin();
    if (!(await admin.listTopics()).some((t) => t.name === 'orders')) await admin.createTopics([{ name: 'orders', partitions: 3 }]);

    const producer = client.producer({ acks: 'all' }); // idempotent by default
    await producer.connect();
    await producer.send({ topic: 'orders', messages: [{ key: 'alice', value: 'book' }] });
    // Many records, no promise each (the fast path): told once per record when it is acknowledged.
    producer.produce('orders', { key: 'carol', value: 'pen' }, (error, metadata) => console.log(error ?? `produced pen at ${metadata!.partition}:${metadata!.offset}`));
    await producer.flush();
    await producer.disconnect();

    // A group reads from its committed offsets (the earliest, the first time) and commits as it goes.
    const consumer = client.consumer({ groupId: 'billing' });
    await consumer.connect();
    consumer.assign({ topic: 'orders' });
    let read = 0;
    for await (const record of consumer) {
      console.log(`consumed ${record.partition}:${record.offset} ${record.key?.toString()}:${record.value?.toString()}`);
      await consumer.commit();
      if (++read === 2) break; // a real consumer runs until it is stopped
    }
    await consumer.disconnect();
  } finally {
    await client.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
