// sluice cluster brokers | status
import { Command } from 'commander';
import type { ClusterDescription, TopicDescription } from '../../client';
import { action, formatTable, withClient } from '../cli-support';

export function clusterCommand(): Command {
  const cluster = new Command('cluster').description('inspect the brokers of a cluster and where partitions are led');

  cluster.command('brokers')
    .description('list the brokers (id, address, rack); * marks the controller (metadata leader)')
    .action(action(async (_options: unknown, command: Command) => {
      const description = await withClient(command, (client) => client.admin().describeCluster());
      process.stdout.write(`Cluster: ${description.clusterId}\n${brokersTable(description)}`);
    }));

  cluster.command('status')
    .description('brokers, then every topic partition with its leader, replicas, epoch and high watermark')
    .option('--internal', 'include internal topics such as __consumer_offsets')
    .action(action(async (options: { internal?: boolean }, command: Command) => {
      const [description, topics] = await withClient(command, async (client) => {
        const admin = client.admin();
        const listed = await admin.listTopics({ includeInternal: options.internal ?? false });
        const names = listed.map((t) => t.name).sort();
        return [await admin.describeCluster(), names.length === 0 ? [] : await admin.describeTopics(names)] as const;
      });
      process.stdout.write(formatStatus(description, topics));
    }));

  return cluster;
}

function brokersTable(description: ClusterDescription): string {
  const rows = [...description.brokers]
    .sort((a, b) => a.id - b.id)
    .map((b) => [b.id, `${b.host}:${b.port}`, b.rack || '-', b.id === description.controllerId ? '*' : '']);
  return formatTable(['ID', 'ADDRESS', 'RACK', 'CONTROLLER'], rows);
}

/** The `cluster status` report: brokers, partitions per topic, and a summary line. */
export function formatStatus(description: ClusterDescription, topics: readonly TopicDescription[]): string {
  const out = [`Cluster: ${description.clusterId}  brokers: ${description.brokers.length}  controller: ${description.controllerId || 'none'}\n`, brokersTable(description), '\n'];
  const known = new Set(description.brokers.map((b) => b.id));
  const leadersPerBroker = new Map<number, number>(description.brokers.map((b) => [b.id, 0]));
  let partitions = 0;
  let leaderless = 0;
  let underPreferred = 0;
  for (const topic of topics) {
    out.push(`Topic: ${topic.name}  partitions: ${topic.partitions.length}  replication-factor: ${topic.replicationFactor}${topic.internal ? '  (internal)' : ''}\n`);
    const rows = topic.partitions.map((p) => {
      partitions++;
      const leader = p.leaderId || 0;
      if (leader === 0) leaderless++;
      else leadersPerBroker.set(leader, (leadersPerBroker.get(leader) ?? 0) + 1);
      if (leader !== 0 && p.replicas.length > 0 && p.replicas[0] !== leader) underPreferred++;
      const replicas = p.replicas.map((id) => (known.has(id) ? String(id) : `${id}?`)).join(',');
      return [p.partition, leader === 0 ? 'none' : leader, replicas, p.leaderEpoch, p.highWatermark];
    });
    out.push(formatTable(['PARTITION', 'LEADER', 'REPLICAS', 'EPOCH', 'HIGH-WATERMARK'], rows), '\n');
  }
  const perBroker = [...leadersPerBroker].sort(([a], [b]) => a - b).map(([id, n]) => `${id}=${n}`).join(' ');
  out.push(
    `Summary: ${topics.length} topic(s), ${partitions} partition(s), ${leaderless} without leader, ` +
      `${underPreferred} not led by their preferred leader; leaders per broker: ${perBroker || '-'}\n`,
  );
  return out.join('');
}
