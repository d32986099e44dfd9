// A bounded pool of open descriptors for the segment files that are not being appended to.
// Descriptors grow per segment, not per partition (a topic with segment.ms=1s makes one a
// second), so only the active segment of each partition keeps its file open for good; a closed
// segment's file stays open while the pool has room and is closed, least recently used first,
// when it has not. A read reopens it. A descriptor in use (by a read, or written and not yet
// fsynced) is never closed under its user. (docs/storage.md, "Descriptors".)

/** One file as the pool sees it. */
export interface PooledFile {
  /** Open, not the active segment, not in use and nothing unsynced: the pool may close it now. */
  readonly evictable: boolean;
  /** Closes the descriptor; the file reopens on its next use. Only when evictable. */
  evict(): void;
}

export class DescriptorPool {
  /**
   * Open files that are not active segments, least recently used first (a Set keeps insertion
   * order: `used` moves a file to the end). Invariant: every member's descriptor is open.
   */
  private readonly open = new Set<PooledFile>();
  /** Descriptors the pool closed (for tests and metrics). */
  evictions = 0;

  /** At most `maxOpen` descriptors of closed segments stay open beyond those in use. */
  constructor(readonly maxOpen: number) {
    if (!Number.isSafeInteger(maxOpen) || maxOpen < 1) throw new RangeError(`descriptor pool size ${maxOpen} is invalid: use an integer >= 1`);
  }

  /** Open descriptors of closed segments, in use or not. */
  get openCount(): number {
    return this.open.size;
  }

  /** `file` is open and was just used: it becomes the most recently used; the pool then trims. */
  used(file: PooledFile): void {
    this.open.delete(file);
    this.open.add(file);
    this.trim();
  }

  /** `file` is closed or became an active segment again: no longer the pool's. */
  forget(file: PooledFile): void {
    this.open.delete(file);
  }

  /** Closes the least recently used evictable files until at most maxOpen are open (or none can go). */
  trim(): void {
    if (this.open.size <= this.maxOpen) return;
    for (const file of this.open) {
      if (this.open.size <= this.maxOpen) return;
      if (!file.evictable) continue;
      this.open.delete(file);
      this.evictions++;
      file.evict();
    }
  }
}
