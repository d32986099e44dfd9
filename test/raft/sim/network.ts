// A simulated network: per-message random delay (so reordering), loss and duplication, and
// partitions given as blocked one-way links. Deterministic for a given SeededRandom.
import type { Message } from '../../../src/raft/messages';
import type { SeededRandom } from '../../../src/raft/random';

interface InFlight {
  readonly deliverAt: number;
  readonly seq: number;
  readonly message: Message;
}

export interface NetworkFaults {
  lossRate: number;
  duplicateRate: number;
  maxDelayTicks: number;
  /** false: each one-way link delivers in send order (like a TCP stream), only delays vary. */
  reorder: boolean;
}

export class SimNetwork {
  private inFlight: InFlight[] = [];
  private seq = 0;
  /** Per one-way link, the latest delivery tick scheduled (to keep FIFO order when !reorder). */
  private readonly linkTail = new Map<string, number>();
  /** One-way links that drop everything: `${from}->${to}`. */
  readonly blocked = new Set<string>();
  sent = 0;
  delivered = 0;

  constructor(private readonly random: SeededRandom, public faults: NetworkFaults) {}

  isBlocked(from: number, to: number): boolean {
    return this.blocked.has(`${from}->${to}`);
  }

  send(now: number, messages: readonly Message[]): void {
    for (const m of messages) {
      this.sent++;
      if (this.isBlocked(m.from, m.to) || this.random.chance(this.faults.lossRate)) continue;
      const copies = this.random.chance(this.faults.duplicateRate) ? 2 : 1;
      for (let i = 0; i < copies; i++) {
        let deliverAt = now + this.random.nextInt(this.faults.maxDelayTicks + 1);
        if (!this.faults.reorder) {
          const link = `${m.from}->${m.to}`;
          deliverAt = Math.max(deliverAt, this.linkTail.get(link) ?? 0);
          this.linkTail.set(link, deliverAt);
        }
        this.inFlight.push({ deliverAt, seq: this.seq++, message: m });
      }
    }
  }

  /** Messages due at `now`, in a random order; links blocked meanwhile drop them. */
  due(now: number): Message[] {
    const ready: InFlight[] = [];
    const later: InFlight[] = [];
    for (const f of this.inFlight) (f.deliverAt <= now ? ready : later).push(f);
    this.inFlight = later;
    if (!this.faults.reorder) {
      ready.sort((a, b) => a.deliverAt - b.deliverAt || a.seq - b.seq);
    } else for (let i = ready.length - 1; i > 0; i--) {
      const j = this.random.nextInt(i + 1);
      [ready[i], ready[j]] = [ready[j]!, ready[i]!];
    }
    const out: Message[] = [];
    for (const f of ready) if (!this.isBlocked(f.message.from, f.message.to)) out.push(f.message);
    this.delivered += out.length;
    return out;
  }

  pending(): number {
    return this.inFlight.length;
  }

  /** Symmetric partition between two groups. */
  partition(a: readonly number[], b: readonly number[]): void {
    for (const x of a) for (const y of b) {
      this.blocked.add(`${x}->${y}`);
      this.blocked.add(`${y}->${x}`);
    }
  }

  heal(): void {
    this.blocked.clear();
  }
}
