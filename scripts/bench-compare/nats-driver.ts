// NATS JetStream: one stream per topic with subjects `<topic>.<partition>`, file storage.
// Producing is asynchronous publishing, as the NATS docs recommend for throughput (Go's
// PublishAsync, `nats bench --js`): plain publishes with a reply subject under one inbox
// subscription, each resolved by the stream's PubAck. (nats.js's js.publish() awaits a request
// per message and caps near 20k msg/s on this machine: the client, not the server, was the limit.) Consuming is one
// ordered (pull) consumer per partition, from the first message. A PubAck means "stored by the
// stream leader (and replicated to a quorum when replicas > 1)"; by default JetStream does not
// fsync before acknowledging.
import { AckPolicy, connect, createInbox, DeliverPolicy, nanos, RetentionPolicy, StorageType, type ConsumerMessages, type NatsConnection } from 'nats';
import type { BatchHandler, BenchConsumer, BenchDriver, BenchProducer, DriverConfig, SendDone } from '../../src/cli/bench/drivers/types';

type NatsConfig = Extract<DriverConfig, { system: 'nats' }>;

/** Stream names may not contain '.', '*', '>' or whitespace. */
export const streamName = (topic: string): string => topic.replace(/[^A-Za-z0-9_-]/g, '_');
export const subjectOf = (topic: string, partition: number): string => `${streamName(topic)}.${partition}`;

export async function openNatsDriver(config: NatsConfig): Promise<BenchDriver> {
  const connections: NatsConnection[] = [];
  const open = async (): Promise<NatsConnection> => {
    const nc = await connect({ servers: [...config.servers], maxReconnectAttempts: 5 });
    connections.push(nc);
    return nc;
  };
  return {
    async prepare(topic) {
      const nc = await open();
      const name = streamName(topic);
      // A fresh cluster may still be electing its meta leader (JetStream answers 503 until then,
      // even to jetstreamManager()'s account-info request): retry for up to ~10 s.
      for (let attempt = 1; ; attempt++) {
        try {
          const jsm = await nc.jetstreamManager();
          const exists = await jsm.streams.info(name).then(() => true, () => false);
          if (!exists) {
            await jsm.streams.add({
              name,
              subjects: [`${name}.*`],
              storage: StorageType.File,
              retention: RetentionPolicy.Limits,
              num_replicas: config.replicas,
            });
          }
          return;
        } catch (error) {
          if (attempt >= 20) throw error;
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
    },
    async producer(): Promise<BenchProducer> {
      const nc = await open();
      return asyncPublisher(nc);
    },
    async consumer(): Promise<BenchConsumer> {
      const nc = await open();
      const jsm = await nc.jetstreamManager();
      const js = nc.jetstream();
      const iterators: ConsumerMessages[] = [];
      const loops: Promise<void>[] = [];
      let stopped = false;
      return {
        async start(topic: string, partitions: readonly number[], onBatch: BatchHandler) {
          for (const partition of partitions) {
            // An explicit ephemeral-like pull consumer without acks (what an ordered consumer
            // is underneath; the client's ordered-consumer helper needs a newer server than
            // Debian's 2.9). It is removed by the server after a minute of inactivity.
            const info = await jsm.consumers.add(streamName(topic), {
              durable_name: `bench_${process.pid}_${Date.now().toString(36)}_${partition}`,
              filter_subject: subjectOf(topic, partition),
              ack_policy: AckPolicy.None,
              deliver_policy: DeliverPolicy.All,
              inactive_threshold: nanos(60_000),
            });
            const consumer = await js.consumers.get(streamName(topic), info.name);
            const messages = await consumer.consume({ max_messages: 10_000 });
            iterators.push(messages);
            loops.push((async () => {
              for await (const message of messages) {
                if (stopped) break;
                onBatch(partition, [message.data]);
              }
            })());
          }
        },
        async stop() {
          if (stopped) return;
          stopped = true;
          for (const messages of iterators) messages.stop();
          await Promise.race([Promise.allSettled(loops), new Promise((resolve) => setTimeout(resolve, 2000))]);
          await nc.close().catch(() => undefined);
        },
      };
    },
    async close() {
      await Promise.allSettled(connections.map((nc) => (nc.isClosed() ? Promise.resolve() : nc.close())));
    },
  };
}

const PUB_ACK_TIMEOUT_MS = 30_000;

/** Asynchronous JetStream publishing: many publishes in flight, one PubAck each. */
function asyncPublisher(nc: NatsConnection): BenchProducer {
  const inbox = createInbox();
  const pending = new Map<string, { done: SendDone; sentAt: number }>();
  let nextId = 0;
  let drained: (() => void) | null = null;
  const settle = (id: string, error: Error | null): void => {
    const entry = pending.get(id);
    if (!entry) return;
    pending.delete(id);
    if (pending.size === 0 && drained) { const wake = drained; drained = null; wake(); }
    entry.done(error);
  };
  const subscription = nc.subscribe(`${inbox}.*`, {
    callback: (error, message) => {
      if (error) return;
      const id = message.subject.slice(inbox.length + 1);
      const ack = JSON.parse(Buffer.from(message.data).toString()) as { error?: { description?: string } };
      settle(id, ack.error ? new Error(`JetStream: ${ack.error.description ?? 'publish failed'}`) : null);
    },
  });
  const sweeper = setInterval(() => {
    const cutoff = Date.now() - PUB_ACK_TIMEOUT_MS;
    for (const [id, entry] of pending) if (entry.sentAt < cutoff) settle(id, new Error(`no PubAck within ${PUB_ACK_TIMEOUT_MS} ms`));
  }, 1000);
  return {
    send(topic, partition, _key, value, done) {
      const id = String(nextId++);
      pending.set(id, { done, sentAt: Date.now() });
      nc.publish(subjectOf(topic, partition), value, { reply: `${inbox}.${id}` });
    },
    flush() {
      return pending.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => { drained = resolve; });
    },
    async close() {
      clearInterval(sweeper);
      subscription.unsubscribe();
      await nc.drain().catch(() => undefined);
    },
  };
}
