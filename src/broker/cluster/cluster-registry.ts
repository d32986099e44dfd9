// The TopicRegistry of a broker in a cluster: its state is the metadata state machine fed by the
// controller's Raft log (MetadataRaftGroup), and its changes are commands proposed to that log.
// Every broker applies the same commands in the same order; each applied change is turned into
// TopicChange events that the PartitionManager follows (create or remove local replicas).
import { ErrorCode, SluiceError } from '../../common/errors';
import type { Logger } from '../../common/logger';
import { applyCommand, type CommandOutcome, type MetadataRules } from '../../metadata/apply-command';
import { decodeCommand, encodeCommand, type MetadataCommand } from '../../metadata/metadata-commands';
import { EMPTY_METADATA_STATE, replicasOf, type BrokerInfo, type MetadataState, type PartitionAssignment, type TopicState } from '../../metadata/metadata-state';
import type { TopicChange, TopicMetadata, TopicRegistry } from '../../metadata/topic-registry';
import type { CommandMachine, MetadataRaftGroup } from './metadata-raft-group';

export class ClusterTopicRegistry implements TopicRegistry, CommandMachine {
  private current: MetadataState = EMPTY_METADATA_STATE;
  private group: MetadataRaftGroup | undefined;
  private readonly listeners: ((change: TopicChange) => Promise<void>)[] = [];
  /** Listener work runs in apply order, one change at a time. */
  private changes: Promise<void> = Promise.resolve();

  constructor(
    private readonly rules: MetadataRules,
    private readonly logger: Logger,
  ) {}

  attach(group: MetadataRaftGroup): void {
    this.group = group;
  }

  get state(): MetadataState {
    return this.current;
  }

  broker(id: number): BrokerInfo | undefined {
    return this.current.brokers.get(id);
  }

  /** Resolves when every change applied so far has been handled by the listeners. */
  settled(): Promise<void> {
    return this.changes;
  }

  // --- CommandMachine ------------------------------------------------------------------------

  apply(bytes: Uint8Array, index: number): CommandOutcome {
    let command: MetadataCommand;
    try {
      command = decodeCommand(bytes);
    } catch (error) {
      return { ok: false, code: ErrorCode.INVALID_REQUEST, message: `undecodable metadata command at index ${index}: ${(error as Error).message}` };
    }
    const before = this.current;
    const { state, outcome } = applyCommand(before, command, index, this.rules);
    this.current = state;
    for (const change of topicChanges(before, state)) {
      this.changes = this.changes.then(async () => {
        for (const listener of this.listeners) {
          try {
            await listener(change);
          } catch (error) {
            this.logger.error({ err: error, change: change.type, topic: change.topic.name }, 'applying a topic change on this broker failed');
          }
        }
      });
    }
    return outcome;
  }

  // --- TopicRegistry -------------------------------------------------------------------------

  list(): TopicMetadata[] {
    return [...this.current.topics.values()].map(toTopicMetadata).sort((a, b) => a.name.localeCompare(b.name));
  }

  get(name: string): TopicMetadata | undefined {
    const topic = this.current.topics.get(name);
    return topic ? toTopicMetadata(topic) : undefined;
  }

  replicas(topic: string, partition: number): readonly number[] {
    return replicasOf(this.current, topic, partition) ?? [];
  }

  assignment(topic: string, partition: number): PartitionAssignment | undefined {
    return this.current.topics.get(topic)?.partitions[partition];
  }

  brokerCount(): number {
    return this.current.brokers.size;
  }

  onChange(listener: (change: TopicChange) => Promise<void>): void {
    this.listeners.push(listener);
  }

  /** What applying `command` to the current state would answer (nothing is proposed). */
  validate(command: MetadataCommand): CommandOutcome {
    return applyCommand(this.current, command, this.current.version + 1, this.rules).outcome;
  }

  /** Proposes a command through the metadata leader (this broker); rejects with the outcome's code. */
  async propose(command: MetadataCommand): Promise<void> {
    if (!this.group) throw new SluiceError(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'the metadata group is not running yet');
    const outcome = await this.group.propose(encodeCommand(command));
    if (!outcome.ok) throw new SluiceError(outcome.code, outcome.message);
    await this.settled();
  }
}

/** The topic-level differences between two states, as events. */
function topicChanges(before: MetadataState, after: MetadataState): TopicChange[] {
  if (before.topics === after.topics) return [];
  const changes: TopicChange[] = [];
  for (const [name, topic] of after.topics) {
    const previous = before.topics.get(name);
    if (!previous || previous.topicId !== topic.topicId) {
      if (previous) changes.push({ type: 'deleted', topic: toTopicMetadata(previous) });
      changes.push({ type: 'created', topic: toTopicMetadata(topic) });
    } else if (previous !== topic) {
      changes.push({ type: 'updated', topic: toTopicMetadata(topic), previous: toTopicMetadata(previous) });
    }
  }
  for (const [name, topic] of before.topics) {
    if (!after.topics.has(name)) changes.push({ type: 'deleted', topic: toTopicMetadata(topic) });
  }
  return changes;
}

/** A topic of the metadata state as the TopicRegistry interface shows it. */
function toTopicMetadata(topic: TopicState): TopicMetadata {
  return {
    name: topic.name,
    partitions: topic.partitions.length,
    replicationFactor: topic.replicationFactor,
    internal: topic.internal,
    config: topic.config,
    createdAtMs: topic.createdAtMs,
    topicId: topic.topicId,
  };
}
