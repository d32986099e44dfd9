// Why a server could not listen, said the way a user can act on it.

/** grpc-js reports a busy port as "No address added … errors: [listen EADDRINUSE …]", Node's http as "listen EADDRINUSE …". */
export function listenFailure(message: string, portFlag: string): string {
  if (message.includes('EADDRINUSE')) return `the port is in use (EADDRINUSE): stop what listens there or choose another ${portFlag}`;
  if (message.includes('EACCES')) return `not allowed to listen there (EACCES): ports below 1024 need root; choose another ${portFlag}`;
  return message;
}
