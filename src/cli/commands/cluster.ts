// sluice cluster brokers | status | reassign | drain
import { Command } from 'commander';
import type { Admin, ClusterDescription, PartitionReassignment, TopicDescription } from '../../client';
import { action, CliError, formatTable, parseCount, withClient } from '../cli-support';

export function clusterCommand(): Command {
  const cluster = new Command('cluster').description('inspect the brokers of a cluster and where partitions are led');

  cluster.command('brokers')
    .description('list the brokers (id, address, rack, whether each answers from here); * marks the controller (metadata leader)')
    .action(action(async (_options: unknown, command: Command) => {
      const [description, answering] = await withClient(command, async (client) => {
        const cluster = await client.admin().describeCluster();
        return [cluster, await probeBrokers(client.admin(), cluster)] as const;
      });
      process.stdout.write(`Cluster: ${description.clusterId}\n${brokersTable(description, answering)}`);
    }));

  cluster.command('status')
    .description('brokers, then every topic partition with its leader, replicas, epoch and high watermark')
    .option('--internal', 'include internal topics such as __consumer_offsets')
    .action(action(async (options: { internal?: boolean }, command: Command) => {
      const [description, topics, answering] = await withClient(command, async (client) => {
        const admin = client.admin();
        const listed = await admin.listTopics({ includeInternal: options.internal ?? false });
        const names = listed.map((t) => t.name).sort();
        const cluster = await admin.describeCluster();
        return [cluster, names.length === 0 ? [] : await admin.describeTopics(names), await probeBrokers(admin, cluster)] as const;
      });
      process.stdout.write(formatStatus(description, topics, answering));
    }));

  cluster.command('reassign')
    .description('move a partition to new replicas (preferred leader first) while it takes traffic; `cluster status` shows RETIRING until the move is done')
    .requiredOption('--topic <name>', 'topic')
    .requiredOption('--partition <n>', 'partition number')
    .requiredOption('--replicas <ids>', 'comma-separated broker ids, e.g. 2,3,4')
    .option('--dry-run', 'check the reassignment without making it')
    .action(action(async (options: { topic: string; partition: string; replicas: string; dryRun?: boolean }, command: Command) => {
      const reassignment: PartitionReassignment = {
        topic: options.topic,
        partition: parseCount(options.partition, '--partition'),
        replicas: parseBrokerIds(options.replicas),
      };
      await withClient(command, (client) => client.admin().reassignPartitions([reassignment], { validateOnly: options.dryRun ?? false }));
      const verb = options.dryRun ? 'would move' : 'moving';
      process.stdout.write(`${verb} ${reassignment.topic}/${reassignment.partition} to brokers ${reassignment.replicas.join(',')}\n`);
    }));

  cluster.command('drain')
    .description('move every replica off a broker (and place nothing new on it) so that it can be removed; --undrain reverses the flag')
    .argument('<broker-id>', 'the broker to drain')
    .option('--undrain', 'let the broker take new replicas again (moves nothing back)')
    .option('--dry-run', 'only print the moves a drain would make')
    .action(action(async (brokerId: string, options: { undrain?: boolean; dryRun?: boolean }, command: Command) => {
      const id = parseCount(brokerId, 'broker id', 1);
      const moves = await withClient(command, (client) => client.admin().drainBroker(id, { undrain: options.undrain ?? false, validateOnly: options.dryRun ?? false }));
      if (options.undrain) {
        process.stdout.write(`broker ${id} takes new replicas again\n`);
        return;
      }
      const rows = moves.map((m) => [`${m.topic}/${m.partition}`, m.replicas.join(',')]);
      process.stdout.write(`${options.dryRun ? 'A drain would move' : 'Draining: moving'} ${moves.length} replica(s) off broker ${id}\n`);
      if (rows.length > 0) process.stdout.write(formatTable(['PARTITION', 'NEW-REPLICAS'], rows));
    }));

  return cluster;
}

function parseBrokerIds(text: string): number[] {
  const ids = text.split(',').map((part) => part.trim());
  if (ids.some((id) => !/^[1-9][0-9]*$/.test(id))) throw new CliError(`--replicas '${text}' is invalid: use comma-separated broker ids such as 2,3,4`);
  return ids.map(Number);
}

/** How long `cluster brokers`/`status` wait for each broker's answer before showing it unreachable. */
const PROBE_TIMEOUT_MS = 2_000;

/** Broker id → whether it answered from here (the metadata lists a killed broker as if it were up). */
async function probeBrokers(admin: Admin, description: ClusterDescription): Promise<ReadonlyMap<number, boolean>> {
  const answers = await Promise.all(description.brokers.map((b) => admin.answers(`${b.host}:${b.port}`, PROBE_TIMEOUT_MS)));
  return new Map(description.brokers.map((b, i) => [b.id, answers[i]!]));
}

function brokersTable(description: ClusterDescription, answering?: ReadonlyMap<number, boolean>): string {
  const state = (id: number, draining: boolean): string => {
    const reach = answering === undefined ? [] : [answering.get(id) ? 'up' : 'unreachable'];
    return [...reach, ...(draining ? ['draining'] : [])].join(', ');
  };
  const rows = [...description.brokers]
    .sort((a, b) => a.id - b.id)
    .map((b) => [b.id, `${b.host}:${b.port}`, b.rack || '-', b.id === description.controllerId ? '*' : '', state(b.id, b.draining)]);
  return formatTable(['ID', 'ADDRESS', 'RACK', 'CONTROLLER', 'STATE'], rows);
}

/** The `cluster status` report: brokers, partitions per topic, and a summary line. */
export function formatStatus(description: ClusterDescription, topics: readonly TopicDescription[], answering?: ReadonlyMap<number, boolean>): string {
  const out = [`Cluster: ${description.clusterId}  brokers: ${description.brokers.length}  controller: ${description.controllerId || 'none'}\n`, brokersTable(description, answering), '\n'];
  const known = new Set(description.brokers.map((b) => b.id));
  const leadersPerBroker = new Map<number, number>(description.brokers.map((b) => [b.id, 0]));
  let partitions = 0;
  let leaderless = 0;
  let underPreferred = 0;
  let moving = 0;
  for (const topic of topics) {
    out.push(`Topic: ${topic.name}  partitions: ${topic.partitions.length}  replication-factor: ${topic.replicationFactor}${topic.internal ? '  (internal)' : ''}\n`);
    const rows = topic.partitions.map((p) => {
      partitions++;
      const leader = p.leaderId || 0;
      if (leader === 0) leaderless++;
      else leadersPerBroker.set(leader, (leadersPerBroker.get(leader) ?? 0) + 1);
      if (leader !== 0 && p.replicas.length > 0 && p.replicas[0] !== leader) underPreferred++;
      const replicas = p.replicas.map((id) => (known.has(id) ? String(id) : `${id}?`)).join(',');
      const retiring = (p.retiring ?? []).join(',') || '-';
      if (p.retiring?.length) moving++;
      return [p.partition, leader === 0 ? 'none' : leader, replicas, retiring, p.leaderEpoch, p.highWatermark];
    });
    out.push(formatTable(['PARTITION', 'LEADER', 'REPLICAS', 'RETIRING', 'EPOCH', 'HIGH-WATERMARK'], rows), '\n');
  }
  const perBroker = [...leadersPerBroker].sort(([a], [b]) => a - b).map(([id, n]) => `${id}=${n}`).join(' ');
  out.push(
    `Summary: ${topics.length} topic(s), ${partitions} partition(s), ${leaderless} without leader, ` +
      `${underPreferred} not led by their preferred leader, ${moving} being moved; leaders per broker: ${perBroker || '-'}\n`,
  );
  return out.join('');
}
