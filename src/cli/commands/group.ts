// sluice group list | describe <group> | delete <group> | reset-offsets <group> <topic>: consumer
// groups as their coordinators see them (docs/consumer-groups.md).
import { Command } from 'commander';
import { ErrorCode, SluiceError } from '../../client';
import type { GroupTopicPartitions } from '../../client/group-admin';
import { action, CliError, formatTable, parseCount, withClient } from '../cli-support';

interface ResetOptions {
  toEarliest?: boolean;
  toLatest?: boolean;
  toOffset?: string;
  toTimestamp?: string;
  partition?: string;
  dryRun?: boolean;
}

/** "orders:0,1 audit:3" ('-' for none). */
const formatPartitions = (list: readonly GroupTopicPartitions[]): string => (list.length === 0 ? '-' : list.map((tp) => `${tp.topic}:${tp.partitions.join(',')}`).join(' '));

export function groupCommand(): Command {
  const group = new Command('group').description('consumer groups: members, assignment, state');

  group.command('list')
    .description('list consumer groups with their state and member count')
    .action(action(async (_options: unknown, command: Command) => {
      const groups = await withClient(command, (client) => client.admin().listGroupsWithState());
      process.stdout.write(formatTable(['GROUP', 'STATE', 'MEMBERS'], groups.map((g) => [g.groupId, g.state, g.memberCount])));
    }));

  group.command('describe <group>')
    .description("show a group's state, members with their partitions, and committed offsets with lag")
    .action(action(async (groupId: string, _options: unknown, command: Command) => {
      const { description, ends } = await withClient(command, async (client) => {
        const admin = client.admin();
        const description = await admin.describeGroup(groupId);
        const ends = description.offsets.length === 0 ? [] : await admin.listOffsets(description.offsets.map((o) => ({ topic: o.topic, partition: o.partition, timestamp: -1 })));
        return { description, ends };
      });
      const d = description;
      process.stdout.write(`group ${d.groupId}: ${d.state}, group epoch ${d.groupEpoch}, assignment epoch ${d.assignmentEpoch}${d.assignor === '' ? '' : `, assignor ${d.assignor}`}\n\n`);
      if (d.members.length > 0) {
        const rows = d.members.map((m) => [m.memberId, m.instanceId === '' ? '-' : m.instanceId, m.memberEpoch, m.state, formatPartitions(m.assigned), formatPartitions(m.pendingRevocation)]);
        process.stdout.write(formatTable(['MEMBER', 'INSTANCE', 'EPOCH', 'STATE', 'ASSIGNED', 'REVOKING'], rows) + '\n');
      }
      const offsets = d.offsets
        .map((o, i) => [o.topic, o.partition, o.offset, ends[i]!.offset, Math.max(0, ends[i]!.offset - o.offset)] as const)
        .sort((a, b) => a[0].localeCompare(b[0]) || a[1] - b[1]);
      process.stdout.write(offsets.length === 0 ? 'no committed offsets\n' : formatTable(['TOPIC', 'PARTITION', 'COMMITTED', 'HIGH-WATERMARK', 'LAG'], offsets));
    }));

  group.command('delete <group>')
    .description('delete an empty group and its committed offsets (refused while it has members)')
    .action(action(async (groupId: string, _options: unknown, command: Command) => {
      await withClient(command, (client) => client.admin().deleteGroup(groupId));
      process.stdout.write(`deleted group ${groupId}\n`);
    }));

  group.command('reset-offsets <group> <topic>')
    .description("set an empty group's committed offsets for a topic (refused while the group has members)")
    .option('--to-earliest', 'the earliest offset still stored')
    .option('--to-latest', 'the end of each partition (skip everything)')
    .option('--to-offset <n>', 'this offset in every chosen partition')
    .option('--to-timestamp <ms>', 'the first record at or after this time (ms since epoch; the end where there is none)')
    .option('--partition <n>', 'only this partition (default: all)')
    .option('--dry-run', 'print the new offsets without committing them')
    .action(action(async (groupId: string, topic: string, options: ResetOptions, command: Command) => {
      const targets = [options.toEarliest, options.toLatest, options.toOffset, options.toTimestamp].filter((x) => x !== undefined);
      if (targets.length !== 1) throw new CliError('give exactly one of --to-earliest, --to-latest, --to-offset <n> and --to-timestamp <ms>');
      const rows = await withClient(command, async (client) => {
        const admin = client.admin();
        const [description] = await admin.describeTopics([topic]);
        let partitions = description!.partitions.map((p) => p.partition);
        if (options.partition !== undefined) {
          const partition = parseCount(options.partition, '--partition');
          if (!partitions.includes(partition)) throw new CliError(`--partition ${partition}: topic '${topic}' has partitions 0..${partitions.length - 1}`);
          partitions = [partition];
        }
        const current = await admin.fetchOffsets(groupId, partitions.map((partition) => ({ topic, partition })));
        let next: number[];
        if (options.toOffset !== undefined) {
          const offset = parseCount(options.toOffset, '--to-offset');
          next = partitions.map(() => offset);
        } else {
          const timestamp = options.toEarliest ? -2 : options.toLatest ? -1 : parseCount(options.toTimestamp!, '--to-timestamp');
          const found = await admin.listOffsets(partitions.map((partition) => ({ topic, partition, timestamp })));
          const ends = timestamp >= 0 ? await admin.listOffsets(partitions.map((partition) => ({ topic, partition, timestamp: -1 }))) : found;
          next = found.map((f, i) => (f.offset >= 0 ? f.offset : ends[i]!.offset));
        }
        if (!options.dryRun) {
          try {
            await admin.resetOffsets(groupId, partitions.map((partition, i) => ({ topic, partition, offset: next[i]! })));
          } catch (error) {
            if (error instanceof SluiceError && error.code === ErrorCode.UNKNOWN_MEMBER_ID) {
              throw new CliError(`group '${groupId}' has members: stop them first (offsets are reset only in an empty group; sluice group describe ${groupId} lists them)`);
            }
            throw error;
          }
        }
        return partitions.map((partition, i) => [topic, partition, current[i]!.offset >= 0 ? current[i]!.offset : '-', next[i]!]);
      });
      process.stdout.write(formatTable(['TOPIC', 'PARTITION', 'CURRENT', 'NEW'], rows));
      process.stdout.write(options.dryRun ? 'dry run: nothing committed\n' : `reset ${rows.length} partition${rows.length === 1 ? '' : 's'} of group ${groupId}\n`);
    }));

  return group;
}
