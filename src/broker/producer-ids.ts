// Allocates idempotent-producer ids that are never reused, even across crashes: ids are taken
// from blocks whose upper bound is made durable before any id of the block is handed out. In a
// cluster every broker allocates on its own, so an id is `counter * 1024 + brokerId`
// (broker ids are below 1024): no two brokers ever hand out the same id.
import type { DurableMeta } from '../storage/durable-meta';

const META_KEY = 'producer-ids/next-block';
const BLOCK_SIZE = 1000;
const BROKER_ID_SPACE = 1024;

export class ProducerIdAllocator {
  private next = 0;
  private blockEnd = 0;
  private pending: Promise<void> | undefined;

  constructor(
    private readonly meta: DurableMeta,
    private readonly brokerId: number,
  ) {}

  async allocate(): Promise<number> {
    while (this.next >= this.blockEnd) {
      this.pending ??= this.reserveBlock().finally(() => (this.pending = undefined));
      await this.pending;
    }
    return this.next++ * BROKER_ID_SPACE + this.brokerId;
  }

  private async reserveBlock(): Promise<void> {
    const start = Math.max(1, Number(this.meta.getMeta(META_KEY) ?? 1));
    await this.meta.putMetaDurable(META_KEY, start + BLOCK_SIZE);
    this.next = start;
    this.blockEnd = start + BLOCK_SIZE;
  }
}
