// `sluice broker ...` hands its arguments to the broker's own parser (src/broker/main.ts). The
// broker is loaded through a computed path so that the CLI has no static import of broker code.
import { Command } from 'commander';
import { join } from 'node:path';

export function brokerCommand(): Command {
  return new Command('broker')
    .description('run a broker (options: sluice broker --help)')
    .allowUnknownOption()
    .allowExcessArguments()
    .helpOption(false)
    .action(async () => {
      const brokerMain = join(__dirname, ...['..', '..', 'broker', 'main']);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { runBrokerCli } = require(brokerMain) as { runBrokerCli: (argv: string[]) => unknown };
      await runBrokerCli(process.argv.slice(3));
    });
}
