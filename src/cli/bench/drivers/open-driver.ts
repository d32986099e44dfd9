// Opens the driver of a system under test: Sluice's own, or a peer's from the module that
// `--peer-drivers` names (scripts/bench-compare/peer-drivers.ts, compiled to
// dist/scripts/bench-compare/peer-drivers.js), so that Sluice never imports a peer's client.
import * as path from 'node:path';
import type { BenchDriver, DriverConfig, PeerDriverConfig, PeerDriverModule } from './types';

export const PEER_DRIVERS_MODULE = 'dist/scripts/bench-compare/peer-drivers.js';

export async function openDriver(config: DriverConfig): Promise<BenchDriver> {
  if (config.system === 'sluice') return (await import('./sluice-driver')).openSluiceDriver(config);
  if (config.driverModule === undefined) throw new Error(missingPeerDrivers(config));
  const loaded = (await import(config.driverModule)) as Partial<PeerDriverModule>;
  if (typeof loaded.openPeerDriver !== 'function') {
    throw new Error(`--peer-drivers '${config.driverModule}' does not export openPeerDriver(config): use ${PEER_DRIVERS_MODULE}`);
  }
  return loaded.openPeerDriver(config);
}

/** The config with its peer driver module (an absolute path) set; throws for a peer when `module` is not given. */
export function withPeerDrivers(config: DriverConfig, module: string | undefined): DriverConfig {
  if (config.system === 'sluice') return config;
  if (module === undefined) throw new Error(missingPeerDrivers(config));
  return { ...config, driverModule: path.resolve(module) };
}

const missingPeerDrivers = (config: PeerDriverConfig): string =>
  `system '${config.system}' is a peer of the comparison, whose driver is not part of sluice: ` +
  `pass --peer-drivers ${PEER_DRIVERS_MODULE} (scripts/bench-compare.sh does)`;
