// sluice group list | describe <group> | delete <group>: consumer groups as their coordinators
// see them (docs/consumer-groups.md).
import { Command } from 'commander';
import type { GroupTopicPartitions } from '../../client/group-admin';
import { action, formatTable, withClient } from '../cli-support';

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

  return group;
}
