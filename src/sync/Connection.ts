/**
 * Connection: one client's transport as the server sees it — decodes frames (bad ones get an
 * `error` reply and change nothing), encodes replies, and tracks the session it belongs to.
 */
import { LockstepError, toLockstepError } from '../errors.js';
import type { Frame, Transport } from '../transport/Transport.js';
import type { Codec } from './codec.js';
import type { ServerMessage } from './protocol.js';

/** One connected client, server side. */
export class Connection {
  /** The session bound by `hello` (owned by the server). */
  session: unknown = null;
  /** Whether the client said in its `hello` that it understands `ack`. */
  acks = false;
  private open = true;
  private strikes = 0;

  constructor(
    readonly transport: Transport,
    private readonly codec: Codec,
    readonly identity: unknown,
    handlers: { message(msg: unknown): void; closed(): void },
    /** Refused messages in a row after which the connection is closed (default: never). */
    private readonly maxStrikes = Infinity,
  ) {
    transport.listen({
      message: (frame) => {
        if (!this.open) return;
        let msg: unknown;
        try {
          msg = codec.decode(frame);
        } catch (err) {
          this.error(toLockstepError(err));
          return;
        }
        const strikes = this.strikes;
        handlers.message(msg);
        if (this.strikes === strikes) this.strikes = 0; // answered without an error: the run is over
      },
      state: (state) => {
        if ((state === 'closed' || state === 'offline') && this.open) {
          this.open = false;
          handlers.closed();
        }
      },
    });
  }

  /** Sends a message. */
  send(msg: ServerMessage): void {
    if (this.open) this.transport.send(this.codec.encode(msg));
  }

  /** Sends an already encoded frame (broadcasts encode once). */
  sendFrame(frame: Frame): void {
    if (this.open) this.transport.send(frame);
  }

  /**
   * Tells the client its message was refused; the connection stays — unless its last
   * `maxStrikes` messages were all refused, which no well-behaved client does.
   */
  error(err: LockstepError): void {
    this.send({ type: 'error', code: err.code, message: err.message });
    if (++this.strikes >= this.maxStrikes) this.close(1008, 'too many invalid messages');
  }


  /** Tells the client why, then closes. */
  fail(err: LockstepError): void {
    this.error(err);
    this.close(1008, err.code);
  }

  /** Closes the connection. */
  close(code?: number, reason?: string): void {
    this.transport.close(code, reason);
  }
}
