// The durable record of a Raft group's configuration entries. A configuration takes effect as
// soon as its entry is appended (thesis §4.1), so after a restart the group must resume with the
// configuration of the last config entry in its log, and must be able to revert an uncommitted
// one that a new leader truncates (which needs the entry's `previous`). Scanning a segment log
// for config entries would read it all, so each config entry is also written here — before the
// entry itself is appended. A record whose entry never reached the disk (a crash in between) or
// was truncated is recognised on restart: the log holds no entry with its index and term.
import { asRaftIndex, asTerm, type RaftIndex } from '../common/ids';
import type { ConfigState, Entry } from '../raft';
import { decodeConfigEntry, makeConfig } from '../raft';

/** One configuration and the entry (or bootstrap/snapshot, when `entry` is absent) that set it. */
interface ConfigRecord {
  readonly index: number;
  readonly term: number;
  readonly voters: readonly number[];
  readonly learners: readonly number[];
  /** The config entry's data (UTF-8 JSON), so it can be served back to the core. */
  readonly entry?: string;
}

/** What the meta store holds under `raft/<group>/config`. Older brokers stored a bare ConfigState. */
type StoredHistory = { readonly history: readonly ConfigRecord[] } | { readonly voters: number[]; readonly learners: number[] };

/** The log positions a record is checked against. */
export interface LogBounds {
  readonly firstIndex: number;
  readonly lastIndex: number;
  termAt(index: number): number | undefined;
}

export class ConfigHistory {
  private readonly built = new WeakMap<ConfigRecord, ConfigState>();

  private constructor(private records: ConfigRecord[]) {}

  /** A history holding only the configuration a group starts from (index 0, before any entry). */
  static bootstrap(config: ConfigState): ConfigHistory {
    return new ConfigHistory([record(0, 0, config)]);
  }

  static decode(stored: unknown): ConfigHistory | undefined {
    if (stored == null) return undefined;
    const value = stored as StoredHistory;
    if ('history' in value) return new ConfigHistory([...value.history]);
    return ConfigHistory.bootstrap(makeConfig(value.voters, value.learners));
  }

  encode(): { readonly history: readonly ConfigRecord[] } {
    return { history: this.records };
  }

  /** Records the config entries among `entries` (in order). Returns whether there were any. */
  add(entries: readonly Entry[]): boolean {
    let added = false;
    for (const entry of entries) {
      if (entry.type !== 'config') continue;
      const { config } = decodeConfigEntry(entry.data);
      this.records.push(record(entry.index, entry.term, config, Buffer.from(entry.data).toString('utf8')));
      added = true;
    }
    return added;
  }

  /** Forgets records at or after `index` (their entries were truncated). */
  dropFrom(index: number): void {
    this.records = this.records.filter((r) => r.index < index);
  }

  /** Replaces everything with the configuration a snapshot carries. */
  reset(config: ConfigState, index: number, term: number): void {
    this.records = [record(index, term, config)];
  }

  /**
   * The configuration in effect after the last entry of `log`: the newest record whose entry is
   * in the log. Records below the log's first index were committed, so they count as present.
   */
  current(log: LogBounds): { config: ConfigState; index: RaftIndex } {
    return this.latestValid(log, log.lastIndex);
  }

  /** The configuration in effect at `index` (for a snapshot's meta). */
  at(log: LogBounds, index: number): ConfigState {
    return this.latestValid(log, index).config;
  }

  /** The config entry at `index`, if one is recorded (the core reverts through it). */
  entry(index: number): Entry | undefined {
    const found = this.records.find((r) => r.index === index && r.entry !== undefined);
    return found ? { term: asTerm(found.term), index: asRaftIndex(found.index), type: 'config', data: Buffer.from(found.entry!, 'utf8') } : undefined;
  }

  /**
   * Drops records no restart or snapshot can need: keeps the newest record at or below `commit`,
   * the newest at or below the log's snapshot point, and every one after.
   */
  prune(log: LogBounds, commit: number): void {
    const keepFrom = Math.min(this.lastAtOrBelow(commit), this.lastAtOrBelow(log.firstIndex - 1));
    if (keepFrom > 0) this.records = this.records.slice(keepFrom);
  }

  private lastAtOrBelow(index: number): number {
    let at = 0;
    this.records.forEach((r, i) => {
      if (r.index <= index) at = i;
    });
    return at;
  }

  /** The configuration of the last record, whether or not its entry is still in the log (a lost log's last known configuration). */
  latest(): ConfigState {
    return this.configOf(this.records[this.records.length - 1]!);
  }

  /** Asked at every apply (LogRaftStorage.appliedTo): a record's config is built once. */
  private configOf(r: ConfigRecord): ConfigState {
    let config = this.built.get(r);
    if (config === undefined) {
      config = makeConfig(r.voters, r.learners);
      this.built.set(r, config);
    }
    return config;
  }

  private latestValid(log: LogBounds, atOrBelow: number): { config: ConfigState; index: RaftIndex } {
    for (let i = this.records.length - 1; i >= 0; i--) {
      const r = this.records[i]!;
      if (r.index > atOrBelow) continue;
      const present = r.index < log.firstIndex || log.termAt(r.index) === r.term;
      if (r.index === 0 || present) return { config: this.configOf(r), index: asRaftIndex(r.index) };
    }
    return { config: makeConfig([], []), index: asRaftIndex(0) };
  }
}

function record(index: number, term: number, config: ConfigState, entry?: string): ConfigRecord {
  const base = { index, term, voters: config.voters.map(Number), learners: config.learners.map(Number) };
  return entry === undefined ? base : { ...base, entry };
}
