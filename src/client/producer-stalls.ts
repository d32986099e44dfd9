// The producer's requests in flight, watched for leaders that stopped answering (a paused or
// partitioned broker answers nothing until the request timeout, 30 s by default). A request
// unanswered for STALL_AFTER_MS makes the producer refresh metadata from another broker; once
// that names another leader for every partition of the request, it is abandoned: its batches are
// resent to the new leader (same batch, same sequence; their outcome counts as unknown), in order
// behind nothing, as after a timeout (docs/client.md, "A leader that stops answering").
import type { MetadataCache } from './metadata-cache';
import type { SealedBatch } from './producer-batch';

/**
 * How long a request may go unanswered before the producer asks whether its leader moved. Longer
 * than a produce to a healthy but loaded leader usually takes; short beside an election (~2 s).
 */
export const STALL_AFTER_MS = 2_000;

export interface InFlightRequest {
  readonly leader: string;
  readonly batches: readonly SealedBatch[];
  readonly sentAtMs: number;
}

export class StalledRequests {
  private readonly requests = new Set<InFlightRequest>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly metadata: MetadataCache,
    /** The request's leader moved: resend its batches (the request's answer, if any, is ignored). */
    private readonly abandon: (request: InFlightRequest) => void,
  ) {}

  /** Requests sent and not yet settled or abandoned. */
  get size(): number {
    return this.requests.size;
  }

  add(leader: string, batches: readonly SealedBatch[]): InFlightRequest {
    const request = { leader, batches, sentAtMs: Date.now() };
    this.requests.add(request);
    if (this.timer === undefined) this.arm();
    return request;
  }

  /** The request's answer (or failure) arrived: false when it was abandoned already (ignore it then). */
  settle(request: InFlightRequest): boolean {
    return this.requests.delete(request);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    if (this.closed) return;
    this.timer = setTimeout(() => this.check(), STALL_AFTER_MS);
    this.timer.unref();
  }

  private check(): void {
    this.timer = undefined;
    if (this.requests.size === 0) return;
    const now = Date.now();
    const stalled = new Set<string>();
    for (const request of this.requests) if (now - request.sentAtMs >= STALL_AFTER_MS) stalled.add(request.leader);
    if (stalled.size === 0) {
      this.arm();
      return;
    }
    for (const leader of stalled) this.metadata.suspect(leader);
    const next = (): void => {
      if (this.requests.size > 0 && this.timer === undefined) this.arm();
    };
    this.metadata.refresh().then(() => {
      this.abandonMoved(stalled);
      next();
    }, next);
  }

  private abandonMoved(stalled: ReadonlySet<string>): void {
    for (const request of [...this.requests]) {
      if (!stalled.has(request.leader)) continue;
      if (request.batches.some((batch) => this.metadata.leaderFor(batch.partition) === request.leader)) continue;
      this.requests.delete(request);
      this.abandon(request);
    }
  }
}
