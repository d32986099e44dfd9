// Runs `sluice broker` as a real child process on ephemeral loopback ports, for tests that kill it.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { BROKER_NODE_FLAGS } from '../../src/common/broker-node-flags';

export interface BrokerProcess {
  readonly child: ChildProcess;
  readonly grpcPort: number;
  readonly httpPort: number;
  readonly address: string;
  /** Sends a signal and waits for the process to exit. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
}

const BROKER_MAIN = resolve(__dirname, '../../src/broker/main.js');
const BIN_SLUICE = resolve(__dirname, '../../../bin/sluice');
const READY = /ready: gRPC ([\d.]+):(\d+), HTTP http:\/\/[\d.]+:(\d+)/;

/**
 * Starts a broker on ephemeral ports, or with `ports: 'fixed'` on the ports its arguments give (a
 * cluster file). With `launcher: 'bin'` it runs `bin/sluice broker` as a user would, instead of
 * this node with the broker's flags. With `readyTimeoutMs`, a broker not ready by then is killed
 * and the promise rejects with its output. `wrapper` runs the broker through a command that execs
 * it in place, so the child's pid is the broker's (e.g. `ip netns exec <ns>`, test/chaos/netns/).
 * With `openFileLimit`, the broker runs under `ulimit -n` of that many descriptors (soft and hard).
 * `env` adds to the broker's environment (e.g. the test faults of src/common/test-faults.ts).
 */
export function startBrokerProcess(
  dataDir: string,
  extraArgs: string[] = [],
  options: { ports?: 'ephemeral' | 'fixed'; launcher?: 'node' | 'bin'; readyTimeoutMs?: number; wrapper?: readonly string[]; openFileLimit?: number; env?: Readonly<Record<string, string>> } = {},
): Promise<BrokerProcess> {
  const portArgs = options.ports === 'fixed' ? [] : ['--grpc-port', '0', '--http-port', '0'];
  const args = ['--data-dir', dataDir, ...portArgs, ...extraArgs];
  const [program, programArgs] = options.launcher === 'bin' ? [BIN_SLUICE, ['broker', ...args]] : [process.execPath, [...BROKER_NODE_FLAGS, BROKER_MAIN, ...args]];
  const [broker, brokerArgv] = options.openFileLimit === undefined ? [program, programArgs] : ['bash', ['-c', `ulimit -n ${options.openFileLimit} && exec "$0" "$@"`, program, ...programArgs]];
  const wrapper = options.wrapper ?? [];
  const [command, argv] = wrapper.length === 0 ? [broker, brokerArgv] : [wrapper[0]!, [...wrapper.slice(1), broker, ...brokerArgv]];
  const child = spawn(command, argv, {
    env: { ...process.env, SLUICE_LOG_LEVEL: process.env.SLUICE_LOG_LEVEL ?? 'warn', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return new Promise((resolvePromise, reject) => {
    const timer =
      options.readyTimeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            reject(new Error(`broker not ready within ${options.readyTimeoutMs} ms (killed):\n${output}`));
            child.kill('SIGKILL');
          }, options.readyTimeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = READY.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
        const grpcPort = Number(match[2]);
        resolvePromise({
          child,
          grpcPort,
          httpPort: Number(match[3]),
          address: `${match[1]}:${grpcPort}`,
          kill: async (signal) => {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            await exited;
          },
          output: () => output,
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`broker exited before it was ready (code ${code}, signal ${signal}):\n${output}`));
    });
  });
}
