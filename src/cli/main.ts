// The `sluice` command line. Only wiring here: each command lives in commands/*.ts.
import { Command } from 'commander';
import { benchCommand } from './bench/command';
import { brokerCommand } from './commands/broker';
import { clusterCommand } from './commands/cluster';
import { consumeCommand } from './commands/consume';
import { offsetsCommand } from './commands/offsets';
import { produceCommand } from './commands/produce';
import { topicCommand } from './commands/topic';
import { DEFAULT_BROKERS } from './cli-support';

const program = new Command('sluice')
  .description('Sluice: a Kafka-style commit log over gRPC')
  .option('--brokers <list>', `comma-separated host:port list (env SLUICE_BROKERS, default ${DEFAULT_BROKERS})`)
  .showSuggestionAfterError();

program.addCommand(brokerCommand());
program.addCommand(topicCommand());
program.addCommand(produceCommand());
program.addCommand(consumeCommand());
program.addCommand(offsetsCommand());
program.addCommand(clusterCommand());
program.addCommand(benchCommand());

// `sluice … | head` closes the pipe early: stop quietly instead of crashing on EPIPE.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

void program.parseAsync(process.argv);
