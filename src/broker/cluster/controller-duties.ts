// What the metadata leader keeps true, and how a broker added later gets in.
//
// ControllerDuties (on the metadata leader): every broker of the cluster definition is
// registered; a single broker's old topics are adopted (single-broker-topics.ts); the internal
// offsets topic exists once all of them are; every registered broker is
// a member of the metadata Raft group — a learner first, promoted to voter while the group has
// fewer than five (docs/architecture.md, "Replication (cluster mode)"), so that a broker that
// joined later receives the metadata.
// Re-checked whenever metadata is applied and on a timer (leadership may move at any time).
//
// JoinRequester (on a broker started with --join): asks the brokers of its definition to
// register it until the metadata it receives lists it.
import type { Clock } from '../../common/clock';
import { ErrorCode } from '../../common/errors';
import { asNodeId } from '../../common/ids';
import type { Logger } from '../../common/logger';
import { newTopicId } from '../../common/topic-id';
import { OFFSETS_TOPIC } from '../../consumer-groups/consumer-group-offsets';
import { encodeCommand } from '../../metadata/metadata-commands';
import { mergeTopicConfig, topicConfigStrings } from '../../metadata/topic-config';
import { CATCH_UP_SLACK_ENTRIES } from '../../partition/membership-plan';
import type { RaftGroup } from '../../replication/raft-group';
import type { BrokerConfig, ClusterSettings } from '../config';
import type { ClusterTopicRegistry } from './cluster-registry';
import type { Forwarder } from './forwarder';
import type { MetadataRaftGroup } from './metadata-raft-group';

/** Voters of the metadata group; further brokers are learners (docs/architecture.md, "Metadata"). */
export const MAX_METADATA_VOTERS = 5;
const DUTY_INTERVAL_MS = 500;
const JOIN_RETRY_MS = 1000;

export class ControllerDuties {
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(
    private readonly config: BrokerConfig,
    private readonly cluster: ClusterSettings,
    private readonly registry: ClusterTopicRegistry,
    private readonly metadata: MetadataRaftGroup,
    private readonly metadataDriver: RaftGroup,
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** Replays a single broker's old topics (a no-op once done); before the offsets topic, which is one of them. */
    private readonly adoptSingleBrokerTopics: () => Promise<void>,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.poke(), DUTY_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  poke(): void {
    if (this.busy || !this.metadata.leading) return;
    this.busy = true;
    this.run()
      .catch((error: unknown) => this.logger.warn({ err: error }, 'controller duty failed; retrying'))
      .finally(() => (this.busy = false));
  }

  private async run(): Promise<void> {
    const state = this.registry.state;
    for (const member of this.cluster.brokers) {
      if (this.cluster.join && !state.brokers.has(member.id)) continue; // a joiner registers only itself
      const known = state.brokers.get(member.id);
      if (known && known.host === member.host && known.port === member.grpcPort) continue;
      const outcome = await this.metadata.propose(
        encodeCommand({ type: 'RegisterBroker', id: member.id, host: member.host, port: member.grpcPort, httpPort: member.httpPort, rack: member.rack ?? null, nowMs: this.clock.nowMs() }),
      );
      if (!outcome.ok) return;
    }
    this.growMetadataGroup();
    await this.adoptSingleBrokerTopics();
    if (this.registry.brokerCount() < this.cluster.brokers.length || this.registry.get(OFFSETS_TOPIC)) return;
    const config = mergeTopicConfig(this.config.topicDefaults, { 'retention.ms': '-1', 'retention.bytes': '-1', 'segment.bytes': String(16 * 1024 * 1024) });
    const outcome = await this.metadata.propose(
      encodeCommand({
        type: 'CreateTopic',
        name: OFFSETS_TOPIC,
        partitions: this.config.offsetsTopicPartitions,
        replicationFactor: Math.min(3, this.cluster.brokers.length),
        config: topicConfigStrings(config),
        internal: true,
        nowMs: this.clock.nowMs(),
        topicId: newTopicId(),
      }),
    );
    if (!outcome.ok && outcome.code !== ErrorCode.TOPIC_ALREADY_EXISTS) this.logger.warn({ outcome }, 'creating the offsets topic failed');
  }

  /** One membership change at a time: add a registered broker as a learner, or promote a caught-up one. */
  private growMetadataGroup(): void {
    const group = this.metadataDriver;
    const status = group.status();
    if (status.role !== 'leader' || status.configIndex > status.commit) return;
    const { voters, learners } = status.config;
    const members = new Set<number>([...voters, ...learners]);
    const newcomer = [...this.registry.state.brokers.keys()].sort((a, b) => a - b).find((id) => !members.has(id));
    if (newcomer !== undefined) {
      if (group.proposeConfChange({ type: 'addLearner', node: asNodeId(newcomer) }).ok) {
        this.logger.info(`broker ${newcomer} joins the metadata group as a learner`);
      }
      return;
    }
    if (voters.length >= MAX_METADATA_VOTERS) return;
    const ready = status.progress.find((p) => p.isLearner && p.match + CATCH_UP_SLACK_ENTRIES >= status.commit);
    if (ready && group.proposeConfChange({ type: 'promote', node: ready.id }).ok) {
      this.logger.info(`broker ${ready.id} becomes a voter of the metadata group`);
    }
  }
}

export class JoinRequester {
  private timer: NodeJS.Timeout | undefined;
  private asking = false;

  constructor(
    private readonly config: BrokerConfig,
    private readonly cluster: ClusterSettings,
    private readonly registry: ClusterTopicRegistry,
    private readonly forwarder: Forwarder,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.ask(), JOIN_RETRY_MS);
    this.timer.unref();
    void this.ask();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async ask(): Promise<void> {
    if (this.registry.broker(this.config.nodeId)) {
      this.stop();
      return;
    }
    if (this.asking) return;
    this.asking = true;
    const self = this.cluster.brokers.find((b) => b.id === this.config.nodeId)!;
    const request = { id: self.id, host: self.host, port: self.grpcPort, httpPort: self.httpPort, rack: self.rack ?? '' };
    try {
      for (const peer of this.cluster.brokers) {
        if (peer.id === self.id) continue;
        try {
          const answer = (await this.forwarder.call(`${peer.host}:${peer.grpcPort}`, 'sluice.v1.Admin', 'registerBroker', request)) as { errorCode: number; errorMessage: string };
          if (answer.errorCode === ErrorCode.NONE) {
            this.logger.info(`broker ${self.id} registered through broker ${peer.id}; waiting for the metadata`);
            return;
          }
          this.logger.warn({ peer: peer.id, answer }, 'the cluster refused to register this broker');
        } catch (error) {
          this.logger.debug({ peer: peer.id, err: error }, 'broker unreachable while joining; trying the next');
        }
      }
    } finally {
      this.asking = false;
    }
  }
}
