// sluice topic create | list | describe | delete | alter | add-partitions
import { Command } from 'commander';
import type { Admin } from '../../client';
import { action, CliError, collect, formatTable, parseCount, parsePairs, withClient } from '../cli-support';

/** How long `topic create` waits for leaders: elections take ~1–2 s, longer on a loaded cluster. */
const LEADER_WAIT_MS = 30_000;
const LEADER_POLL_MS = 100;

export function topicCommand(): Command {
  const topic = new Command('topic').description('create, inspect, change and delete topics');

  topic.command('create <name>')
    .description('create a topic')
    .option('--partitions <n>', 'number of partitions (broker default 1)')
    .option('--replication-factor <n>', 'replicas per partition (broker default 1)')
    .option('--config <key=value>', 'topic config, repeatable (e.g. retention.ms=86400000)', collect, [])
    .option('--validate-only', 'check everything but create nothing')
    .option('--no-wait', 'return once the topic is created, before its partitions have leaders')
    .action(action(async (name: string, options: { partitions?: string; replicationFactor?: string; config: string[]; validateOnly?: boolean; wait: boolean }, command: Command) => {
      const spec = {
        name,
        partitions: options.partitions === undefined ? undefined : parseCount(options.partitions, '--partitions', 1),
        replicationFactor: options.replicationFactor === undefined ? undefined : parseCount(options.replicationFactor, '--replication-factor', 1),
        configs: parsePairs(options.config, '--config'),
      };
      const validateOnly = options.validateOnly ?? false;
      await withClient(command, async (client) => {
        await client.admin().createTopics([spec], { validateOnly });
        if (!validateOnly && options.wait) await waitForLeaders(client.admin(), name);
      });
      if (validateOnly) process.stdout.write(`topic '${name}' is valid (not created)\n`);
      else process.stdout.write(options.wait ? `created topic '${name}' (every partition has a leader)\n` : `created topic '${name}'\n`);
    }));

  topic.command('list')
    .description('list topics')
    .option('--internal', 'include internal topics such as __consumer_offsets')
    .action(action(async (options: { internal?: boolean }, command: Command) => {
      const topics = await withClient(command, (client) => client.admin().listTopics({ includeInternal: options.internal ?? false }));
      const rows = topics.sort((a, b) => a.name.localeCompare(b.name)).map((t) => [t.name, t.partitions, t.replicationFactor, t.internal ? 'yes' : '']);
      process.stdout.write(formatTable(['TOPIC', 'PARTITIONS', 'REPLICATION', 'INTERNAL'], rows));
    }));

  topic.command('describe [names...]')
    .description('show partitions (leader, replicas, offsets, size) and configs; all topics when no name is given')
    .action(action(async (names: string[], _options: unknown, command: Command) => {
      const topics = await withClient(command, (client) => client.admin().describeTopics(names));
      const out: string[] = [];
      for (const t of topics) {
        out.push(`Topic: ${t.name}  partitions: ${t.partitions.length}  replication-factor: ${t.replicationFactor}  id: ${t.topicId}${t.internal ? '  (internal)' : ''}\n`);
        out.push(formatTable(
          ['PARTITION', 'LEADER', 'REPLICAS', 'EPOCH', 'START', 'END', 'HIGH-WATERMARK', 'SIZE'],
          t.partitions.map((p) => [p.partition, p.leaderId || 'none', p.replicas.join(','), p.leaderEpoch, p.logStartOffset, p.logEndOffset, p.highWatermark, formatBytes(p.sizeBytes)]),
        ));
        const configs = Object.entries(t.configs).sort(([a], [b]) => a.localeCompare(b));
        if (configs.length > 0) out.push('Configs:\n' + configs.map(([k, v]) => `  ${k}=${v}\n`).join(''));
        out.push('\n');
      }
      process.stdout.write(out.join(''));
    }));

  topic.command('delete <names...>')
    .description('delete topics and all their records')
    .action(action(async (names: string[], _options: unknown, command: Command) => {
      await withClient(command, (client) => client.admin().deleteTopics(names));
      process.stdout.write(names.map((n) => `deleted topic '${n}'\n`).join(''));
    }));

  topic.command('alter <name>')
    .description('set or reset topic configs')
    .option('--set <key=value>', 'config to set, repeatable', collect, [])
    .option('--delete <key>', 'config to reset to its default, repeatable', collect, [])
    .action(action(async (name: string, options: { set: string[]; delete: string[] }, command: Command) => {
      const set = parsePairs(options.set, '--set');
      await withClient(command, (client) => client.admin().alterConfigs(name, { set, delete: options.delete }));
      process.stdout.write(`altered topic '${name}'\n`);
    }));

  topic.command('add-partitions <name> <total>')
    .description('raise the partition count of a topic to <total>')
    .action(action(async (name: string, total: string, _options: unknown, command: Command) => {
      const count = parseCount(total, 'total', 1);
      await withClient(command, (client) => client.admin().createPartitions(name, count));
      process.stdout.write(`topic '${name}' now has ${count} partitions\n`);
    }));

  return topic;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = -1;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** Polls until every partition of `name` has a leader (a fresh Raft group elects one within a few seconds). */
async function waitForLeaders(admin: Admin, name: string): Promise<void> {
  const deadline = Date.now() + LEADER_WAIT_MS;
  for (;;) {
    const [topic] = await admin.describeTopics([name]);
    const leaderless = topic!.partitions.filter((p) => !p.leaderId).map((p) => p.partition);
    if (leaderless.length === 0) return;
    if (Date.now() > deadline) {
      throw new CliError(`created topic '${name}', but partitions ${leaderless.join(', ')} have no leader after ${LEADER_WAIT_MS / 1000} s: see sluice cluster status`);
    }
    await new Promise((resolve) => setTimeout(resolve, LEADER_POLL_MS));
  }
}
