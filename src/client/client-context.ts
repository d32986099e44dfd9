// What producers, consumers and admins of one SluiceClient share: connections, metadata, limits.
import { ErrorCode, SluiceError } from '../common/errors';
import type { ServiceName } from '../protocol/services';
import type { CommitOffsetsResponse, FetchOffsetsResponse, MethodName, RequestOf, ResponseOf } from '../protocol/wire-types';
import { ConnectionPool, type BrokerConnection } from './connection-pool';
import { partitionError, SluiceClientStateError, SluiceConnectionError } from './errors';
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
    checkBrokerAddresses(options.brokers);
    this.clientId = options.clientId ?? 'sluice-js';
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.pool = new ConnectionPool(this.clientId);
    this.metadata = new MetadataCache(options.brokers, this.pool, this.requestTimeoutMs, {
      metadataMaxAgeMs: options.metadataMaxAgeMs,
      unavailableMs: Math.max(1_000, this.retry.maxBackoffMs),
    });
  }

  /** The connection for requests any broker can answer. */
  bootstrap(): BrokerConnection {
    return this.pool.get(this.metadata.anyBrokerAddress());
  }

  /** Runs `fn` with the client's retry policy; an unreachable broker rotates the bootstrap list. */
  withRetries<T>(fn: (attempt: number) => Promise<T>): Promise<T> {
    return withRetries(this.retry, fn, (error: SluiceError) => {
      if (error instanceof SluiceConnectionError) this.metadata.markUnavailable(error.address);
    });
  }

  /** Calls a method on any live broker with retries; an unreachable broker is avoided and the next one tried. */
  callWithRetries<S extends ServiceName, M extends MethodName<S>>(service: S, method: M, request: RequestOf<S, M>): Promise<ResponseOf<S, M>> {
    return this.withRetries(() => this.bootstrap().call(service, method, request, this.requestTimeoutMs));
  }

  /**
   * A group request (CommitOffsets, FetchOffsets) to any live broker, with retries. A broker
   * that answers NOT_COORDINATOR or COORDINATOR_NOT_AVAILABLE for a partition is left for the
   * next one. Other per-partition errors are the caller's to read.
   */
  callGroups<M extends 'commitOffsets' | 'fetchOffsets'>(method: M, request: RequestOf<'sluice.v1.Groups', M>): Promise<ResponseOf<'sluice.v1.Groups', M>> {
    return this.withRetries(async () => {
      const address = this.metadata.anyBrokerAddress();
      const response = await this.pool.get(address).call('sluice.v1.Groups', method, request, this.requestTimeoutMs);
      // Both responses answer per partition (tsc does not narrow a response type still generic in M).
      const { partitions } = response as CommitOffsetsResponse | FetchOffsetsResponse;
      const misdirected = partitions.find((p) => p.errorCode === ErrorCode.NOT_COORDINATOR || p.errorCode === ErrorCode.COORDINATOR_NOT_AVAILABLE);
      if (misdirected) {
        // Learn the other brokers first when only the bootstrap list is known.
        if (this.metadata.brokers().size === 0) await this.metadata.refresh().catch(() => undefined);
        this.metadata.moveOn(address);
        throw partitionError(misdirected.errorCode, misdirected.topic, misdirected.partition, `${misdirected.errorMessage} (broker ${address})`);
      }
      return response;
    });
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

/** host:port, the host a name, an IPv4 address or a bracketed IPv6 address. */
const BROKER_ADDRESS = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/;

/** Bootstrap addresses are checked up front: '9092' alone would otherwise be dialled as a host on port 443. */
function checkBrokerAddresses(brokers: readonly string[]): void {
  if (brokers.length === 0) throw new SluiceClientStateError('client option brokers must name at least one broker as host:port (e.g. 127.0.0.1:9092)');
  for (const address of brokers) {
    const port = BROKER_ADDRESS.exec(address)?.[1];
    if (port === undefined || Number(port) < 1 || Number(port) > 65535) {
      throw new SluiceClientStateError(`client option brokers: '${address}' is not host:port with a port 1..65535 (e.g. 127.0.0.1:9092 or [::1]:9092)`);
    }
  }
}
