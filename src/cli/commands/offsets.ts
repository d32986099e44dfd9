// sluice offsets list-groups | get <group> [topic] | list <topic>
import { Command } from 'commander';
import { action, formatTable, withClient } from '../cli-support';

export function offsetsCommand(): Command {
  const offsets = new Command('offsets').description('consumer-group offsets and partition offsets');

  offsets.command('list-groups')
    .description('list consumer groups that have committed offsets')
    .action(action(async (_options: unknown, command: Command) => {
      const groups = await withClient(command, (client) => client.admin().listGroups());
      process.stdout.write(groups.sort().map((g) => `${g}\n`).join(''));
    }));

  offsets.command('get <group> [topic]')
    .description("show a group's committed offsets, with the lag behind each partition's high watermark")
    .action(action(async (group: string, topic: string | undefined, _options: unknown, command: Command) => {
      const rows = await withClient(command, async (client) => {
        const admin = client.admin();
        const committed = (await admin.fetchOffsets(group)).filter((c) => topic === undefined || c.topic === topic);
        const ends = committed.length === 0 ? [] : await admin.listOffsets(committed.map((c) => ({ topic: c.topic, partition: c.partition, timestamp: -1 })));
        return committed
          .map((c, i) => [c.topic, c.partition, c.offset, ends[i]!.offset, c.offset >= 0 ? Math.max(0, ends[i]!.offset - c.offset) : '-'] as const)
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
