// The `sluice` command line. Only wiring here: each command lives in commands/*.ts.
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchCommand } from './bench/command';
import { brokerCommand } from './commands/broker';
import { clusterCommand } from './commands/cluster';
import { consumeCommand } from './commands/consume';
import { groupCommand } from './commands/group';
import { offsetsCommand } from './commands/offsets';
import { produceCommand } from './commands/produce';
import { topicCommand } from './commands/topic';
import { DEFAULT_BROKERS } from './cli-support';

const program = new Command('sluice')
  .description('Sluice: a Kafka-style commit log over gRPC')
  .option('--brokers <list>', `comma-separated host:port list (env SLUICE_BROKERS, default ${DEFAULT_BROKERS})`)
  .version(packageVersion(), '-V, --version', 'print the version')
  .showSuggestionAfterError();

program.addCommand(brokerCommand());
program.addCommand(topicCommand());
program.addCommand(produceCommand());
program.addCommand(consumeCommand());
program.addCommand(offsetsCommand());
program.addCommand(groupCommand());
program.addCommand(clusterCommand());
program.addCommand(benchCommand());

// `sluice … | head` closes the pipe early: stop quietly instead of crashing on EPIPE.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const unknown = unknownCommand(program, process.argv.slice(2));
if (unknown !== undefined) {
  // commander answers `sluice nosuchcmd --help` with the top-level help and exit code 0.
  process.stderr.write(`sluice: error: unknown command '${unknown}' (commands: ${program.commands.map((c) => c.name()).join(', ')})\n`);
  process.exitCode = 1;
} else {
  void program.parseAsync(process.argv);
}

/** The first operand of `args` when it names no command (the only top-level option with a value is --brokers). */
function unknownCommand(root: Command, args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--brokers') i++;
    else if (!arg.startsWith('-')) return arg === 'help' || root.commands.some((c) => c.name() === arg || c.aliases().includes(arg)) ? undefined : arg;
  }
  return undefined;
}

/** The version in package.json (dist/src/cli/main.js → the repository root). */
function packageVersion(): string {
  return (JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
}
