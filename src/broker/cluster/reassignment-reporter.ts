// A partition leader tells the controller that its Raft group's voters now equal the assigned
// replicas (CompleteReassignment), so that the retiring replicas may delete their copies. The
// controller is this broker or another one; a failed report is retried by the partition.
import { ErrorCode, SluiceError } from '../../common/errors';
import type { TopicPartition } from '../../common/ids';
import type { ClusterTopicRegistry } from './cluster-registry';
import type { Forwarder } from './forwarder';
import type { MetadataRaftGroup } from './metadata-raft-group';

export class ReassignmentReporter {
  constructor(
    private readonly nodeId: number,
    private readonly registry: ClusterTopicRegistry,
    private readonly metadata: MetadataRaftGroup,
    private readonly forwarder: Forwarder,
    private readonly addressOf: (brokerId: number) => string | undefined,
  ) {}

  async report(tp: TopicPartition, replicas: readonly number[]): Promise<void> {
    const topic = this.registry.state.topics.get(tp.topic);
    if (!topic) return;
    const request = { topic: tp.topic, partition: tp.partition, topicCreatedAtMs: topic.createdAtMs, replicas: [...replicas], topicId: topic.topicId };
    const controller = this.metadata.leaderId;
    if (controller === null) throw new SluiceError(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'no controller is elected yet');
    if (controller === this.nodeId) {
      await this.registry.propose({ type: 'CompleteReassignment', name: tp.topic, partition: tp.partition, createdAtMs: topic.createdAtMs, replicas: [...replicas], topicId: topic.topicId });
      return;
    }
    const address = this.addressOf(controller);
    if (!address) throw new SluiceError(ErrorCode.COORDINATOR_NOT_AVAILABLE, `the controller (broker ${controller}) has no known address`);
    const response = (await this.forwarder.call(address, 'sluice.v1.Admin', 'completeReassignment', request)) as { errorCode: number; errorMessage: string };
    if (response.errorCode !== ErrorCode.NONE) throw new SluiceError(response.errorCode, response.errorMessage);
  }
}

