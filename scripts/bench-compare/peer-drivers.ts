// The drivers of the systems Sluice is compared with (scripts/bench-compare.sh), loaded by the
// bench through `--peer-drivers dist/scripts/bench-compare/peer-drivers.js`
// (src/cli/bench/drivers/open-driver.ts). Their clients, nats and ioredis, are dev dependencies.
import type { BenchDriver, PeerDriverConfig } from '../../src/cli/bench/drivers/types';

export async function openPeerDriver(config: PeerDriverConfig): Promise<BenchDriver> {
  switch (config.system) {
    case 'nats':
      return (await import('./nats-driver')).openNatsDriver(config);
    case 'redis':
      return (await import('./redis-driver')).openRedisDriver(config);
  }
}
