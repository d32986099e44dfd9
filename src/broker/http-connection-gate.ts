// Back-pressure for one HTTP/1.1 connection of the HTTP port. A client may pipeline requests
// (send many before reading any answer); Node parses a whole received chunk at once (up to
// 64 KiB, thousands of small requests) and calls the handler for each, so a client that pipelines
// `GET /metrics` and never reads would have the broker render and hold every answer. The gate
// renders an answer only while few are unsent, stops reading the connection while requests
// wait, and closes a connection that piles up more unanswered requests than any honest client
// would. See docs/architecture.md, "The HTTP port".
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** Answers of one connection produced but not yet all handed to the operating system. */
export const MAX_UNSENT_RESPONSES = 4;
/** Requests of one connection received and not yet answered; one more closes the connection. */
export const MAX_PIPELINED_REQUESTS = 64;

/** Produces the answer to one request (it may finish later, as /metrics does). */
export type Answer = () => void;

class ConnectionGate {
  /** Answers started whose response has not closed. Invariant: unsent <= MAX_UNSENT_RESPONSES. */
  private unsent = 0;
  /** Requests held back, in arrival order (HTTP/1.1 answers in request order). */
  private readonly waiting: Answer[] = [];
  /** This gate paused the socket (and resumes it once nothing waits). */
  private holding = false;

  constructor(private readonly socket: Socket) {
    // Node's HTTP server resumes its sockets on its own (after an answer, after 'drain'); while
    // requests wait, stop reading again, so that the kernel pushes back on the client.
    socket.on('resume', () => {
      if (this.waiting.length > 0) socket.pause();
    });
    socket.once('close', () => {
      this.waiting.length = 0;
    });
  }

  admit(response: ServerResponse, answer: Answer): void {
    if (this.socket.destroyed) return;
    if (this.unsent + this.waiting.length >= MAX_PIPELINED_REQUESTS) {
      this.socket.destroy();
      return;
    }
    if (this.unsent < MAX_UNSENT_RESPONSES && this.waiting.length === 0) {
      this.start(response, answer);
      return;
    }
    this.waiting.push(() => this.start(response, answer));
    this.socket.pause();
    this.holding = true;
  }

  private start(response: ServerResponse, answer: Answer): void {
    this.unsent++;
    // 'close' comes after 'finish' (the last byte went to the OS) or when the socket dies.
    response.once('close', () => {
      this.unsent--;
      this.startWaiting();
    });
    answer();
  }

  private startWaiting(): void {
    while (this.unsent < MAX_UNSENT_RESPONSES && this.waiting.length > 0 && !this.socket.destroyed) this.waiting.shift()!();
    if (this.holding && this.waiting.length === 0 && !this.socket.destroyed) {
      this.holding = false;
      this.socket.resume();
    }
  }
}

const gates = new WeakMap<Socket, ConnectionGate>();

/** Runs `answer` for a request on `socket` now or once the connection's earlier answers are sent. */
export function admitRequest(socket: Socket, response: ServerResponse, answer: Answer): void {
  let gate = gates.get(socket);
  if (!gate) {
    gate = new ConnectionGate(socket);
    gates.set(socket, gate);
  }
  gate.admit(response, answer);
}
