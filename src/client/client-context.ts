// What producers, consumers and admins of one SluiceClient share: connections, metadata, limits.
import { SluiceError } from '../common/errors';
import { ConnectionPool, type BrokerConnection } from './connection-pool';
import { SluiceConnectionError } from './errors';
import { MetadataCache } from './metadata-cache';
import { DEFAULT_RETRY, withRetries, type RetryOptions } from './retry';
import type { ClientOptions } from './types';

export interface Closeable {
  disconnect(): Promise<void>;
}

export class ClientContext {
  readonly clientId: string;
  readonly requestTimeoutMs: number;
  readonly retry: RetryOptions;
  readonly pool: ConnectionPool;
  readonly metadata: MetadataCache;
  private readonly children = new Set<Closeable>();

  constructor(options: ClientOptions) {
    this.clientId = options.clientId ?? 'sluice-js';
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.pool = new ConnectionPool(this.clientId);
    this.metadata = new MetadataCache(options.brokers, this.pool, this.requestTimeoutMs);
  }

  /** The connection for requests any broker can answer. */
  bootstrap(): BrokerConnection {
    return this.pool.get(this.metadata.bootstrapAddress());
  }

  /** Runs `fn` with the client's retry policy; an unreachable broker rotates the bootstrap list. */
  withRetries<T>(fn: (attempt: number) => Promise<T>): Promise<T> {
    return withRetries(this.retry, fn, (error: SluiceError) => {
      if (error instanceof SluiceConnectionError) this.metadata.markUnavailable(error.address);
    });
  }

  /** Calls a method on the bootstrap broker with retries. */
  callWithRetries<T>(service: 'sluice.v1.Data' | 'sluice.v1.Groups' | 'sluice.v1.Admin', method: string, request: unknown): Promise<T> {
    return this.withRetries(() => this.bootstrap().call<T>(service, method, request, this.requestTimeoutMs));
  }

  track(child: Closeable): void {
    this.children.add(child);
  }

  forget(child: Closeable): void {
    this.children.delete(child);
  }

  async close(): Promise<void> {
    const children = [...this.children];
    this.children.clear();
    await Promise.allSettled(children.map((child) => child.disconnect()));
    this.pool.close();
  }
}
