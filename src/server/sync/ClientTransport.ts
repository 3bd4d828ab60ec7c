/**
 * ClientTransport: one client of a room, as a Transport for the room's SyncServer. Frames the
 * server sends go out through the room context (rewritten by `outgoing` for the client's codec);
 * frames the host receives are handed in with {@link ClientTransport.deliver}. It closes when the
 * server closes it or the host reports the connection gone.
 */
import type { Frame, Transport, TransportHandlers, TransportState } from '../../transport/Transport.js';
import type { RoomClient, RoomContext } from '../RoomService.js';

/** A room client as a server-side Transport. */
export class ClientTransport implements Transport {
  private current: TransportState = 'open';
  private handlers: TransportHandlers | null = null;

  constructor(
    private readonly ctx: RoomContext,
    private readonly client: RoomClient,
    private readonly outgoing: (frame: Frame) => Frame,
  ) {}

  get state(): TransportState {
    return this.current;
  }

  get bufferedAmount(): number {
    return this.client.bufferedAmount;
  }

  listen(handlers: TransportHandlers): void {
    this.handlers = handlers;
  }

  send(frame: Frame): void {
    if (this.current === 'open') this.ctx.send(this.client, this.outgoing(frame));
  }

  close(code?: number, reason?: string): void {
    if (this.current !== 'open') return;
    this.current = 'closed';
    this.ctx.disconnect(this.client, code, reason);
    this.handlers?.state('closed', reason);
  }

  /** A frame from the client. */
  deliver(frame: Frame): void {
    if (this.current === 'open') this.handlers?.message(frame);
  }

  /** The client's connection ended. */
  lost(reason: string): void {
    if (this.current !== 'open') return;
    this.current = 'closed';
    this.handlers?.state('closed', reason);
  }
}
