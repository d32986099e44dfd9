// The chaos run's consumer group (docs/chaos.md, "Consumer groups"): two members of one group
// subscribed to the chaos topic for the whole run, with the client's auto-commit, recording every
// commit the brokers acknowledged (partition, offset, when, which member) and every record each
// member was handed, for the checks of group-commits.ts.
import { SluiceClient, type Consumer, type TopicPartitionOffset } from '../../../src/client';
import { sleep } from '../../integration/cluster-harness';
import { ConsumerReads } from '../consumer-reads';
import { closeWithin } from '../fault-run';
import type { GroupCommit } from '../group-commits';

export const GROUP_ID = 'chaos-group';
const MEMBERS = ['group-a', 'group-b'];
/** Shorter than the client's 5 s default, so that a short run still makes many commits to check. */
const AUTO_COMMIT_INTERVAL_MS = 1000;

export interface GroupCounts {
  commits: number;
  failedCommits: number;
  assigned: number;
  revoked: number;
  lost: number;
}

const clock = (): number => performance.timeOrigin + performance.now();

/**
 * Runs the members until stop(). A member whose run() fails is recorded in `stops` (a liveness
 * finding, as for the plain consumer) and replaced by a new member of the same name, which rejoins
 * the group and resumes from its committed offsets.
 */
export class GroupMembers {
  readonly commits: GroupCommit[] = [];
  readonly reads = MEMBERS.map((name) => new ConsumerReads(name));
  readonly counts: GroupCounts = { commits: 0, failedCommits: 0, assigned: 0, revoked: 0, lost: 0 };
  readonly stops: string[] = [];
  private stopping = false;
  private readonly current = new Map<string, Consumer>();
  private readonly running: Promise<void>[];

  constructor(private readonly client: SluiceClient, private readonly topic: string) {
    this.running = this.reads.map((r) => this.member(r));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const consumer of this.current.values()) await consumer.stop();
    await closeWithin(() => Promise.all(this.running).then(() => undefined), 30_000);
  }

  private async member(reads: ConsumerReads): Promise<void> {
    for (let incarnation = 1; !this.stopping; incarnation++) {
      const consumer = this.client.consumer({ groupId: GROUP_ID, autoCommit: true, autoCommitIntervalMs: AUTO_COMMIT_INTERVAL_MS });
      this.recordCommits(consumer, `${reads.name}#${incarnation}`);
      consumer.subscribe({
        topics: [this.topic],
        onAssigned: () => void this.counts.assigned++,
        onRevoked: () => void this.counts.revoked++,
        onLost: () => void this.counts.lost++,
      });
      this.current.set(reads.name, consumer);
      try {
        await consumer.connect();
        if (this.stopping) break;
        await consumer.run({ eachRecord: (record) => reads.read(record.partition, record.offset, record.value === null ? null : record.value.toString()) });
      } catch (error) {
        if (!this.stopping) this.stops.push(`${new Date().toISOString()} ${reads.name}#${incarnation}: stopped with an error, restarted: ${(error as Error).message}`);
        await sleep(1000);
      } finally {
        await closeWithin(() => consumer.disconnect(), 5000);
      }
    }
  }

  /**
   * Wraps the consumer's commit() (auto-commit, the commit on revocation and on stop all call it)
   * to record each commit the brokers acknowledged, with when it was sent and acknowledged.
   */
  private recordCommits(consumer: Consumer, member: string): void {
    const commit = consumer.commit.bind(consumer);
    consumer.commit = async (offsets?: readonly TopicPartitionOffset[]): Promise<void> => {
      const list = offsets ?? consumer.positions();
      const sentMs = clock();
      try {
        await commit(list);
      } catch (error) {
        this.counts.failedCommits++;
        throw error;
      }
      const ackedMs = clock();
      for (const o of list) this.commits.push({ member, partition: o.partition, offset: o.offset, sentMs, ackedMs });
      this.counts.commits += list.length;
    };
  }
}
