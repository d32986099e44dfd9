// sluice produce <topic>: one record per stdin line; a summary on stderr.
import { Command } from 'commander';
import { createInterface } from 'node:readline';
import type { Acks, Message, RecordMetadata } from '../../client';
import { COMPRESSION_NAMES, type CompressionName, parseCompression } from '../../protocol/compression';
import { action, CliError, collect, countOption, parseCount, parsePairs, withClient } from '../cli-support';

interface ProduceOptions {
  keySeparator?: string;
  header: string[];
  partition?: string;
  acks: string;
  lingerMs: number;
  compression: string;
}

export function produceCommand(): Command {
  return new Command('produce')
    .argument('<topic>')
    .description('produce records read from stdin, one per line')
    .option('--key-separator <sep>', 'split each line at the first <sep> into key and value')
    .option('--header <key=value>', 'header added to every record, repeatable', collect, [])
    .option('--partition <n>', 'write every record to this partition (default: by key, murmur2)')
    .option('--acks <acks>', 'all | leader | none', 'all')
    .option('--linger-ms <ms>', 'batching delay', countOption('--linger-ms'), 5)
    .option('--compression <codec>', `compress each batch: ${COMPRESSION_NAMES.join(' | ')}`, 'none')
    .action(action(async (topic: string, options: ProduceOptions, command: Command) => {
      if (!['all', 'leader', 'none'].includes(options.acks)) throw new CliError(`--acks '${options.acks}' is invalid: use all, leader or none`);
      const headers = options.header.length > 0 ? parsePairs(options.header, '--header') : undefined;
      const partition = options.partition === undefined ? undefined : parseCount(options.partition, '--partition');
      const separator = options.keySeparator;
      let compression: CompressionName;
      try {
        compression = parseCompression(options.compression);
      } catch (error) {
        throw new CliError(`--compression: ${(error as Error).message}`);
      }
      await withClient(command, async (client) => {
        const producer = client.producer({ acks: options.acks as Acks, lingerMs: options.lingerMs, compression });
        await producer.connect();
        const lastOffsets = new Map<number, number>();
        let records = 0;
        let firstError: unknown;
        const note = (meta: RecordMetadata): void => {
          if ((lastOffsets.get(meta.partition) ?? -Infinity) < meta.offset) lastOffsets.set(meta.partition, meta.offset);
        };
        const pending: Promise<void>[] = [];
        for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
          let message: Message;
          if (separator !== undefined) {
            const at = line.indexOf(separator);
            if (at < 0) throw new CliError(`line ${records + 1} has no key separator '${separator}'`);
            message = { key: line.slice(0, at), value: line.slice(at + separator.length), headers, partition };
          } else {
            message = { value: line, headers, partition };
          }
          records++;
          pending.push(producer.produce(topic, message).then(note, (error: unknown) => { firstError ??= error; }));
          if (pending.length >= 10_000) await Promise.all(pending.splice(0));
        }
        await producer.flush();
        await Promise.all(pending);
        await producer.disconnect();
        if (firstError !== undefined) throw firstError;
        const summary = [...lastOffsets].sort(([a], [b]) => a - b).map(([p, o]) => `${p}@${o}`).join(' ');
        process.stderr.write(`produced ${records} record${records === 1 ? '' : 's'} to '${topic}'` +
          (lastOffsets.size > 0 ? ` (${lastOffsets.size} partition${lastOffsets.size === 1 ? '' : 's'}; last offsets ${summary})` : '') + '\n');
      });
    }));
}
