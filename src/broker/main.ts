// `sluice broker`: parse flags (over an optional JSON config file, over embedded defaults),
// start, and stop gracefully on SIGTERM / SIGINT.
import * as grpc from '@grpc/grpc-js';
import { Command, InvalidArgumentError } from 'commander';
import pino from 'pino';
import { moduleLogger, setRootLogger } from '../common/logger';
import { startBroker } from './broker';
import { loadClusterFile } from '../metadata/cluster-file';
import { loadConfigFile, resolveBrokerConfig, type BrokerConfigFile } from './config';

interface BrokerFlags {
  config?: string;
  cluster?: string;
  nodeId?: number;
  join?: boolean;
  dataDir?: string;
  host?: string;
  grpcPort?: number;
  httpPort?: number;
  advertisedAddress?: string;
  clusterId?: string;
  topicDefault: string[];
  logLevel?: string;
}

const integer = (value: string): number => {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`'${value}' is not a non-negative integer`);
  return Number(value);
};

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function brokerCommand(): Command {
  return new Command('broker')
    .description('start a Sluice broker (defaults: data in ./data, gRPC on 127.0.0.1:9092, HTTP on 127.0.0.1:9644)')
    .option('-c, --config <file>', 'JSON config file (flags override it)')
    .option('--cluster <file>', 'cluster definition (cluster/three-node.json): join it as --node-id, with its host and ports')
    .option('--node-id <n>', 'broker id, >= 1', integer)
    .option('--join', 'with --cluster: join a cluster that is already running (a broker added later)')
    .option('--data-dir <dir>', 'where segments and the index live')
    .option('--host <address>', 'address to listen on')
    .option('--grpc-port <port>', 'gRPC port (0 = any free port)', integer)
    .option('--http-port <port>', 'HTTP port for /metrics, /healthz, /readyz and the console (0 = any)', integer)
    .option('--advertised-address <host:port>', 'address clients should use to reach this broker')
    .option('--cluster-id <id>', 'cluster name shown by DescribeCluster')
    .option('--topic-default <key=value>', 'default topic config, e.g. retention.ms=86400000 (repeatable)', collect, [])
    .option('--log-level <level>', 'fatal, error, warn, info, debug or trace (env SLUICE_LOG_LEVEL)')
    .action(async (flags: BrokerFlags) => {
      try {
        await runBroker(flags);
      } catch (error) {
        process.stderr.write(`sluice broker: ${(error as Error).message}\n`);
        process.exit(1);
      }
    });
}

/** Entry for `sluice broker …` (the CLI passes the arguments after `broker`). */
export async function runBrokerCli(argv: string[]): Promise<void> {
  // Parsed on its own (not as a subcommand of the CLI): named as the user types it, for --help.
  await brokerCommand().name('sluice broker').parseAsync(argv, { from: 'user' });
}

/** Settings taken from a cluster definition: the cluster itself and this broker's own address. */
function clusterLayer(path: string, nodeId: number | undefined, join: boolean): BrokerConfigFile {
  const definition = loadClusterFile(path);
  const ids = definition.brokers.map((b) => b.id).join(', ');
  if (nodeId === undefined) throw new Error(`--cluster needs --node-id: one of ${ids}`);
  const self = definition.brokers.find((b) => b.id === nodeId);
  if (!self) throw new Error(`broker ${nodeId} is not in ${path} (its brokers are ${ids})`);
  const brokers = definition.brokers.map((b) => ({ ...b, rack: b.rack ?? undefined }));
  return {
    nodeId,
    host: self.host,
    grpcPort: self.grpcPort,
    httpPort: self.httpPort,
    clusterId: definition.clusterId,
    cluster: { clusterId: definition.clusterId, brokers, join },
  };
}

async function runBroker(flags: BrokerFlags): Promise<void> {
  const fromFile: BrokerConfigFile = flags.config ? loadConfigFile(flags.config) : {};
  const fromCluster: BrokerConfigFile = flags.cluster ? clusterLayer(flags.cluster, flags.nodeId ?? fromFile.nodeId, flags.join ?? false) : {};
  const topicDefaults: Record<string, string> = {};
  for (const pair of flags.topicDefault) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--topic-default '${pair}' is invalid: use key=value, e.g. retention.ms=86400000`);
    topicDefaults[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const config = resolveBrokerConfig(fromFile, fromCluster, {
    nodeId: flags.nodeId,
    dataDir: flags.dataDir,
    host: flags.host,
    grpcPort: flags.grpcPort,
    httpPort: flags.httpPort,
    advertisedAddress: flags.advertisedAddress,
    clusterId: flags.clusterId,
    topicDefaults: Object.keys(topicDefaults).length > 0 ? topicDefaults : undefined,
  });
  setRootLogger(pino({ level: flags.logLevel ?? process.env.SLUICE_LOG_LEVEL ?? 'info', base: { node: config.nodeId, pid: process.pid } }));
  // grpc-js prints its own errors to stderr ("E No address added…" beside ours): into the log instead,
  // at debug, since each also reaches the broker as an error it reports.
  const grpcLog = moduleLogger('grpc-js');
  grpc.setLogger({ error: (...args: unknown[]) => grpcLog.debug(args.map(String).join(' ')) });
  const broker = await startBroker(config);
  process.stdout.write(
    `sluice broker ${config.nodeId} ready: gRPC ${config.host}:${broker.grpcPort}, HTTP http://${config.host}:${broker.httpPort} (data in ${config.dataDir})\n`,
  );
  const shutdown = (signal: string): void => {
    process.stdout.write(`sluice broker ${config.nodeId}: ${signal} received, stopping\n`);
    broker.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`sluice broker: stop failed: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

if (require.main === module) void runBrokerCli(process.argv.slice(2));
