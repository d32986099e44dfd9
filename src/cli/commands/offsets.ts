// sluice offsets list-groups | get <group> [topic] | list <topic>
import { Command } from 'commander';
import { action, CliError, formatTable, withClient } from '../cli-support';

export function offsetsCommand(): Command {
  const offsets = new Command('offsets').description('consumer-group offsets and partition offsets');

  offsets.command('list-groups')
    .description('list consumer groups that have committed offsets')
    .action(action(async (_options: unknown, command: Command) => {
      const groups = await withClient(command, (client) => client.admin().listGroups());
      process.stdout.write(groups.sort().map((g) => `${g}\n`).join(''));
    }));

  offsets.command('get <group> [topic]')
    .description("show a group's committed offsets, with the lag behind each partition's high watermark ('-': never committed)")
    .action(action(async (group: string, topic: string | undefined, _options: unknown, command: Command) => {
      const rows = await withClient(command, async (client) => {
        const admin = client.admin();
        // With a topic, every partition of it: one the group never committed shows '-', not 0.
        const asked = topic === undefined ? [] : (await admin.describeTopics([topic]))[0]!.partitions.map((p) => ({ topic, partition: p.partition }));
        const committed = await admin.fetchOffsets(group, asked);
        if (topic === undefined && committed.length === 0) {
          throw new CliError(`group '${group}' has no committed offsets: a group is known once it commits (sluice offsets list-groups lists them)`);
        }
        const ends = committed.length === 0 ? [] : await admin.listOffsets(committed.map((c) => ({ topic: c.topic, partition: c.partition, timestamp: -1 })));
        return committed
          .map((c, i) => {
            const end = ends[i]!.offset;
            return c.offset >= 0 ? [c.topic, c.partition, c.offset, end, Math.max(0, end - c.offset)] as const : [c.topic, c.partition, '-', end, '-'] as const;
          })
          .sort((a, b) => a[0].localeCompare(b[0]) || a[1] - b[1]);
      });
      process.stdout.write(formatTable(['TOPIC', 'PARTITION', 'COMMITTED', 'HIGH-WATERMARK', 'LAG'], rows));
    }));

  offsets.command('list <topic>')
    .description('earliest and latest offset of every partition of a topic')
    .action(action(async (topic: string, _options: unknown, command: Command) => {
      const rows = await withClient(command, async (client) => {
        const admin = client.admin();
        const [description] = await admin.describeTopics([topic]);
        const partitions = description!.partitions.map((p) => p.partition);
        const earliest = await admin.listOffsets(partitions.map((partition) => ({ topic, partition, timestamp: -2 })));
        const latest = await admin.listOffsets(partitions.map((partition) => ({ topic, partition, timestamp: -1 })));
        return partitions.map((p, i) => [p, earliest[i]!.offset, latest[i]!.offset]);
      });
      process.stdout.write(formatTable(['PARTITION', 'EARLIEST', 'LATEST'], rows));
    }));

  return offsets;
}
