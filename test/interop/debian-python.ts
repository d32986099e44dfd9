// The python3 the interop tests run: Debian's (python3-grpcio, python3-protobuf, installed by
// scripts/ensure-test-packages.sh), which a pyenv shim first on PATH may hide.
import { execFileSync } from 'node:child_process';

/** The first python3 that imports grpc and protobuf, or undefined (the tests then skip and say why). */
export const PYTHON_WITH_GRPC: string | undefined = ['/usr/bin/python3', 'python3'].find((python) => {
  try {
    execFileSync(python, ['-c', 'import grpc, google.protobuf'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});
