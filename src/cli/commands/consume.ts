// sluice consume <topic> | --pattern <re2> --group G: prints records as text or JSON lines.
import { Command } from 'commander';
import { SluiceOffsetOutOfRangeError, type Consumer, type ConsumedRecord, type SeekTarget, type SluiceClient } from '../../client';
import { describeHeldOffsets, fetchableOffsets } from '../../common/offset-range';
import { action, CliError, parseCount, withClient } from '../cli-support';

interface ConsumeOptions {
  partition?: string;
  fromBeginning?: boolean;
  offset?: string;
  fromTimestamp?: string;
  group?: string;
  pattern?: string;
  instanceId?: string;
  max?: string;
  timeoutMs?: string;
  format: string;
  printKey?: boolean;
  printOffset?: boolean;
}

export function consumeCommand(): Command {
  return new Command('consume')
    .argument('[topic]', 'the topic to read (or --pattern with --group)')
    .description('print records of a topic, or with --group --pattern of every topic matching an RE2 pattern (default: new records only)')
    .option('--partition <n>', 'read only this partition (default: all)')
    .option('--from-beginning', 'start at the earliest offset (with --group: in partitions the group has no committed offset for)')
    .option('--offset <n>', 'start at this offset')
    .option('--from-timestamp <time>', 'start at the first record at or after this time (ms since epoch or ISO-8601)')
    .option(
      '--group <group>',
      'join this consumer group: the broker gives this process a share of the partitions (other members get the rest), ' +
        'it starts from the committed offsets and commits as records are printed. With --partition, --offset or --from-timestamp ' +
        'it reads without joining (its commits are then refused while the group has members)',
    )
    .option(
      '--pattern <re2>',
      'with --group, instead of a topic: read every topic whose whole name matches this RE2 pattern (e.g. \'orders-.*\'), ' +
        'including topics created later; the group\'s coordinator matches it (never internal topics)',
    )
    .option(
      '--instance-id <id>',
      'with --group: static membership under this stable name (a pod or host name): stopped (SIGINT/SIGTERM) and restarted ' +
        'with the same id within the group session timeout, it gets its partitions back with no rebalance',
    )
    .option('--max <n>', 'stop after this many records')
    .option('--timeout-ms <ms>', 'stop after this long without a record')
    .option('--format <format>', 'text | json', 'text')
    .option('--print-key', 'text format: print "key<TAB>value"')
    .option('--print-offset', 'text format: prefix "partition:offset<TAB>"')
    .action(action(async (topicArgument: string | undefined, options: ConsumeOptions, command: Command) => {
      if (topicArgument !== undefined && options.pattern !== undefined) throw new CliError('give a topic or --pattern, not both');
      if (topicArgument === undefined && options.pattern === undefined) throw new CliError('give a topic to read (sluice consume orders) or, with --group, --pattern <re2> (sluice consume --pattern \'orders-.*\' --group G)');
      if (options.pattern !== undefined && options.group === undefined) throw new CliError("--pattern needs --group: the group's coordinator matches the pattern against the topics and assigns their partitions");
      if (options.pattern === '') throw new CliError("--pattern '' is invalid: give an RE2 pattern matched against whole topic names, e.g. 'orders-.*'");
      if (options.pattern !== undefined && (options.partition !== undefined || options.offset !== undefined || options.fromTimestamp !== undefined)) {
        throw new CliError('--pattern joins the group, which assigns the partitions and starts from its committed offsets: use it without --partition, --offset or --from-timestamp');
      }
      const topic = topicArgument ?? '';
      const source = options.pattern === undefined ? `'${topic}'` : `topics matching '${options.pattern}'`;
      if (options.format !== 'text' && options.format !== 'json') throw new CliError(`--format '${options.format}' is invalid: use text or json`);
      const starts = [options.fromBeginning, options.offset, options.fromTimestamp].filter((x) => x !== undefined).length;
      if (starts > 1) throw new CliError('use only one of --from-beginning, --offset and --from-timestamp');
      const max = options.max === undefined ? Infinity : parseCount(options.max, '--max', 1);
      const timeoutMs = options.timeoutMs === undefined ? undefined : parseCount(options.timeoutMs, '--timeout-ms', 1);
      const explicit: SeekTarget | undefined = options.offset !== undefined ? parseCount(options.offset, '--offset')
        : options.fromTimestamp !== undefined ? { timestamp: parseTime(options.fromTimestamp) } : undefined;
      const joins = options.group !== undefined && options.partition === undefined && explicit === undefined;
      if (options.instanceId !== undefined && !joins) {
        throw new CliError('--instance-id names this process in a consumer group it joins: use it with --group, without --partition, --offset or --from-timestamp');
      }
      if (options.instanceId === '') throw new CliError("--instance-id '' is invalid: give a stable non-empty name, e.g. the host name");
      const format = options.format === 'json' ? formatJson : formatText(options.printKey ?? false, options.printOffset ?? false);
      process.stdout.on('error', () => process.exit(0)); // e.g. piped into `head`

      await withClient(command, async (client) => {
        const consumer = client.consumer({ groupId: options.group, autoCommit: options.group !== undefined, autoCommitIntervalMs: 1_000, maxWaitMs: 500 });
        await consumer.connect();
        if (joins) {
          // The group's broker assigns the partitions (docs/consumer-groups.md).
          const subscription = options.pattern === undefined ? { topics: [topic] } : { pattern: options.pattern };
          consumer.subscribe({ ...subscription, instanceId: options.instanceId, noCommittedOffset: options.fromBeginning ? 'earliest' : 'latest' });
        } else {
          await assignAndSeek(client, consumer, topic, options, explicit);
        }
        let count = 0;
        let idle: NodeJS.Timeout | undefined;
        const armIdle = (): void => {
          if (timeoutMs === undefined) return;
          if (idle) clearTimeout(idle);
          idle = setTimeout(() => void consumer.stop(), timeoutMs);
        };
        armIdle();
        // A tail ends on SIGINT/SIGTERM: the loop below ends, prints what it holds and its summary.
        const stop = (): void => void consumer.stop();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        const output = new BurstWriter(process.stdout);
        try {
          for await (const record of consumer) {
            output.write(format(record));
            count++;
            if (count >= max) break;
            armIdle();
          }
        } catch (error) {
          if (!(error instanceof SluiceOffsetOutOfRangeError)) throw error;
          throw new CliError(
            `${describeStart(options)} is out of range for ${error.topic}/${error.partition}: ${describeHeldOffsets(error.logStartOffset, error.highWatermark)}: ` +
              `use --offset ${fetchableOffsets(error.logStartOffset, error.highWatermark)}, --from-beginning, or no start flag for new records only`,
          );
        } finally {
          if (idle) clearTimeout(idle);
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          output.flush();
        }
        await consumer.disconnect();
        process.stderr.write(`consumed ${count} record${count === 1 ? '' : 's'} from ${source}\n`);
      });
    }));
}

/** Reads the partitions itself (all, or --partition), from the explicit start, the group's committed offset, or the start flag. */
async function assignAndSeek(client: SluiceClient, consumer: Consumer, topic: string, options: ConsumeOptions, explicit: SeekTarget | undefined): Promise<void> {
  const [description] = await client.admin().describeTopics([topic]);
  let partitions = description!.partitions.map((p) => p.partition);
  if (options.partition !== undefined) {
    const partition = parseCount(options.partition, '--partition');
    if (!partitions.includes(partition)) throw new CliError(`--partition ${partition}: topic '${topic}' has partitions 0..${partitions.length - 1}`);
    partitions = [partition];
  }
  const tps = partitions.map((partition) => ({ topic, partition }));
  consumer.assign(tps);
  const committed = options.group && explicit === undefined ? await consumer.committed(tps) : [];
  for (const tp of tps) {
    const fromGroup = committed.find((c) => c.partition === tp.partition && c.offset >= 0);
    const target: SeekTarget = explicit ?? fromGroup?.offset ?? (options.fromBeginning ? 'earliest' : 'latest');
    await consumer.seek({ ...tp, offset: target });
  }
}

/** The flag that chose where reading started (or the group's committed offset). */
function describeStart(options: ConsumeOptions): string {
  if (options.offset !== undefined) return `--offset ${options.offset}`;
  if (options.fromTimestamp !== undefined) return `--from-timestamp ${options.fromTimestamp}`;
  return options.group !== undefined ? `group '${options.group}''s committed offset` : 'the start offset';
}

function parseTime(value: string): number {
  if (/^\d+$/.test(value)) return Number(value);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new CliError(`--from-timestamp '${value}' is invalid: use ms since epoch or ISO-8601 (2024-05-01T12:00:00Z)`);
  return ms;
}

function formatText(printKey: boolean, printOffset: boolean): (record: ConsumedRecord) => string {
  return (record) => {
    let line = '';
    if (printOffset) line += `${record.partition}:${record.offset}\t`;
    if (printKey) line += `${record.key?.toString() ?? ''}\t`;
    return line + (record.value?.toString() ?? '') + '\n';
  };
}

function formatJson(record: ConsumedRecord): string {
  const headers: Record<string, string> = {};
  for (const key in record.headers) headers[key] = record.headers[key]!.toString();
  return JSON.stringify({
    topic: record.topic, partition: record.partition, offset: record.offset, timestamp: record.timestamp,
    key: record.key?.toString() ?? null, value: record.value?.toString() ?? null, headers,
  }) + '\n';
}

/**
 * Writes records in bursts: the records of one fetch go in one write, and each burst goes out
 * as soon as the records stop coming in the same turn (so a tail streams into a pipe or a file
 * as it arrives, not once 64 KiB have gathered).
 */
class BurstWriter {
  private pending = '';
  private scheduled = false;

  constructor(private readonly stream: NodeJS.WritableStream) {}

  write(text: string): void {
    this.pending += text;
    if (this.pending.length > 65_536) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.flush();
      });
    }
  }

  flush(): void {
    if (this.pending.length === 0) return;
    this.stream.write(this.pending);
    this.pending = '';
  }
}
