// How many streams are stopped because their client has not taken what the broker already sent
// (a Subscribe that reads no partition, a ProduceStream that reads no request): on /metrics as
// sluice_streams_waiting_for_client, so that a client that does not read is visible.
import { Gauge, type Registry } from 'prom-client';

export type StreamMethod = 'subscribe' | 'produceStream';

export class StreamsWaiting {
  private readonly gauge: Gauge<'method'>;

  constructor(registry: Registry) {
    this.gauge = new Gauge({
      name: 'sluice_streams_waiting_for_client',
      help: 'Subscribe and ProduceStream streams stopped until their client reads what was sent',
      labelNames: ['method'],
      registers: [registry],
    });
    this.gauge.set({ method: 'subscribe' }, 0);
    this.gauge.set({ method: 'produceStream' }, 0);
  }

  /** Counts one stream of `method` as waiting; the returned function ends that (once). */
  begin(method: StreamMethod): () => void {
    this.gauge.inc({ method });
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.gauge.dec({ method });
    };
  }
}
