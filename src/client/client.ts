// SluiceClient: the entry point. Holds the connections and metadata that its producers,
// consumers and admins share; close() disconnects them all.
import { Admin } from './admin';
import { ClientContext } from './client-context';
import { Consumer } from './consumer';
import { Producer } from './producer';
import type { ClientOptions, ConsumerOptions, ProducerOptions } from './types';

export class SluiceClient {
  private readonly context: ClientContext;

  constructor(options: ClientOptions) {
    this.context = new ClientContext(options);
  }

  producer(options: ProducerOptions = {}): Producer {
    const producer = new Producer(this.context, options);
    this.context.track(producer);
    return producer;
  }

  consumer(options: ConsumerOptions = {}): Consumer {
    const consumer = new Consumer(this.context, options);
    this.context.track(consumer);
    return consumer;
  }

  admin(): Admin {
    return new Admin(this.context);
  }

  /** Disconnects every producer (flushing) and consumer, then closes the connections. */
  async close(): Promise<void> {
    await this.context.close();
  }
}
