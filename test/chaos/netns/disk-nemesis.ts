// The disk nemeses (docs/chaos.md), each on one broker:
//   disk-eio, disk-full  the brokers run with the disk-faults test fault (run.ts); the nemesis writes
//                        the control file in the victim's data directory (src/storage/disk-fault-file-io.ts)
//                        so that its segment appends (or fdatasyncs) fail with EIO, or its appends with
//                        ENOSPC, for the hold, and removes it. The victim is the leader of the step's
//                        partition (a leader's failed write must hand leadership on). A Raft group
//                        whose storage failed stops on that broker and says so in its log ("raft group
//                        stopped: …", "the metadata group stopped after a storage failure"); the heal
//                        restarts the broker (kill -9, start) when it said so, and only then: a failure
//                        it did not report would be left for the checks to find.
//   bit-flip             kill -9 of a follower of the step's partition, one bit flipped in one of its
//                        closed segments of that partition (segment, byte and bit from the step's
//                        seed), restarted after the hold. The broker must find the damage when it opens
//                        the log and rebuild the replica from its peers (docs/storage.md); the run's
//                        replica comparison then proves the replica was rebuilt, not served damaged.
//                        Stopped, not running: a broker reads a closed segment back only at open or for
//                        a lagging reader, so a flip under a running broker could go unread for the
//                        whole run and prove nothing; the open is where it must be found.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../../../src/cli/bench/keys';
import { injectedDiskFaults, setDiskFault, type DiskFault } from '../../../src/storage/disk-fault-file-io';
import { sleep, type ClusterHarness } from '../../integration/cluster-harness';
import { partitionDirOf } from '../../partition-dir-of';
import type { DiskNemesis, Step } from './schedule';

/** Topic settings under which bit-flip finds closed segments: they roll at 64 KiB (the least allowed) or after 5 s. */
export const DISK_NEMESIS_TOPIC_CONFIGS: Readonly<Record<string, string>> = { 'segment.bytes': String(64 * 1024), 'segment.ms': '5000' };

/** How a broker reports that a Raft group's storage failed (its fatal log lines). */
const STORAGE_FAILED = /raft group stopped: (its storage|fsync) failed|the metadata group stopped after a storage failure/g;
/** How long after a restart the nemesis looks for the rebuild in the broker's log (the run's checks do not depend on it). */
const REBUILD_SEEN_WITHIN_MS = 10_000;

/** What the disk nemeses did in a run (the results file's `disk`). */
export interface DiskNemesisCounts {
  /** Segment appends and fdatasyncs failed by disk-eio and disk-full. */
  failuresInjected: number;
  /** Restarts of a broker that reported a storage failure. */
  restarts: number;
  bitsFlipped: number;
  /** Flipped replicas whose broker logged, within 10 s of its restart, that it rebuilds them. */
  rebuildsSeen: number;
}

export class DiskNemesisRunner {
  readonly counts: DiskNemesisCounts = { failuresInjected: 0, restarts: 0, bitsFlipped: 0, rebuildsSeen: 0 };

  constructor(
    private readonly cluster: ClusterHarness,
    private readonly topic: string,
    private readonly log: (line: string) => void,
    /** The partition's leader as the cluster reports it, or `fallback`. */
    private readonly leaderOr: (partition: number, fallback: number) => Promise<number>,
  ) {}

  async run(kind: DiskNemesis, step: Step): Promise<void> {
    if (kind === 'bit-flip') return this.bitFlip(step);
    const victim = await this.leaderOr(step.partition, step.order[0]!);
    await this.failingDisk(victim, kind === 'disk-full' ? 'ENOSPC append' : step.eioOn === 'append' ? 'EIO append' : 'EIO fsync', step.holdMs);
  }

  private async failingDisk(id: number, fault: DiskFault, holdMs: number): Promise<void> {
    const dataDir = this.dataDir(id);
    const injectedBefore = injectedDiskFaults(dataDir);
    const outputBefore = this.cluster.processes.get(id)?.output().length ?? 0;
    this.log(`  disk: broker ${id}'s segment ${fault.replace(' ', ' on ')}`);
    setDiskFault(dataDir, fault);
    try {
      await sleep(holdMs);
    } finally {
      setDiskFault(dataDir, undefined);
    }
    const injected = injectedDiskFaults(dataDir) - injectedBefore;
    const reported = (this.cluster.processes.get(id)?.output().slice(outputBefore).match(STORAGE_FAILED) ?? []).length;
    this.log(`  disk: broker ${id} failed ${injected} writes or fsyncs; it reports ${reported} Raft group(s) stopped by a storage failure${reported > 0 ? ': restarting it' : ''}`);
    this.counts.failuresInjected += injected;
    if (reported === 0) return;
    this.counts.restarts++;
    await this.cluster.kill(id, 'SIGKILL');
    await this.cluster.start(id);
  }

  private async bitFlip(step: Step): Promise<void> {
    const leader = await this.leaderOr(step.partition, step.order[0]!);
    // A follower: a broker other than the leader that holds a replica (on 5 brokers not all do).
    const victim = step.order.find((id) => id !== leader && this.replicaDir(id, step.partition) !== undefined);
    if (victim === undefined) {
      this.log(`  disk: bit-flip found no follower of ${this.topic}/${step.partition} holding a replica: nothing flipped`);
      return;
    }
    await this.cluster.kill(victim, 'SIGKILL');
    const flipped = this.flipOneBit(victim, step.partition, seededRandom(step.flipSeed));
    this.log(`  disk: bit-flip on broker ${victim} (a follower of ${this.topic}/${step.partition}): ${flipped ?? 'no closed segment yet, nothing flipped'}`);
    await sleep(step.holdMs);
    // A new process: its output is this start's alone.
    await this.cluster.start(victim);
    if (flipped === undefined) return;
    this.counts.bitsFlipped++;
    const rebuilding = new RegExp(`cannot open this broker's replica of ${this.topic}/${step.partition} \\(.*\\): rebuilding it from the other replicas`);
    const giveUpAt = performance.now() + REBUILD_SEEN_WITHIN_MS;
    while (!rebuilding.test(this.cluster.processes.get(victim)?.output() ?? '') && performance.now() < giveUpAt) await sleep(100);
    const seen = rebuilding.test(this.cluster.processes.get(victim)?.output() ?? '');
    if (seen) this.counts.rebuildsSeen++;
    this.log(`  disk: broker ${victim} ${seen ? 'found the damage and rebuilds its replica from the others' : `has not reported the damage within ${REBUILD_SEEN_WITHIN_MS / 1000} s (the replica comparison will tell)`}`);
  }

  /** Flips one bit of one closed segment of the partition on broker `id`; says where, or undefined when it has none. */
  private flipOneBit(id: number, partition: number, random: () => number): string | undefined {
    const dir = this.replicaDir(id, partition)!;
    // The last segment is the active one; a closed segment is one with a successor.
    const closed = readdirSync(dir).filter((f) => f.endsWith('.log')).sort().slice(0, -1).map((f) => join(dir, f)).filter((f) => statSync(f).size > 0);
    if (closed.length === 0) return undefined;
    const path = closed[Math.floor(random() * closed.length)]!;
    const bytes = readFileSync(path);
    const at = Math.floor(random() * bytes.length);
    const bit = Math.floor(random() * 8);
    bytes[at]! ^= 1 << bit;
    writeFileSync(path, bytes);
    return `bit ${bit} of byte ${at} of ${path.slice(dir.length + 1)} (${bytes.length} bytes; ${closed.length} closed segments)`;
  }

  /** Broker `id`'s directory of the partition, or undefined when it holds no replica of it. */
  private replicaDir(id: number, partition: number): string | undefined {
    try {
      return partitionDirOf(this.dataDir(id), this.topic, partition);
    } catch {
      return undefined;
    }
  }

  private dataDir(id: number): string {
    return join(this.cluster.dir, `node-${id}`);
  }
}
