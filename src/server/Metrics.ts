/**
 * Metrics: the server's counters, rendered in the Prometheus text exposition format for
 * `GET /metrics`. Gauges (rooms, connections) are read when rendering.
 */

/** Counters of a server since it started. */
export class Metrics {
  /** Transitions committed (client and server origin). */
  transitions = 0;
  /** Submits refused (`reject` messages sent). */
  rejects = 0;
  /** Messages refused as invalid or not allowed (`error` messages sent). */
  errors = 0;
  /** WebSocket frames received. */
  framesIn = 0;
  /** WebSocket frames sent. */
  framesOut = 0;
  /** Payload bytes received. */
  bytesIn = 0;
  /** Payload bytes sent. */
  bytesOut = 0;
  /** Connections dropped because they did not read fast enough. */
  backpressureDrops = 0;
  /** Connections dropped because they did not answer a heartbeat. */
  heartbeatDrops = 0;
  /** Frames over `maxPayload` (their connection was closed). */
  oversized = 0;
  /** WebSocket upgrades and HTTP requests refused by the auth hooks (401/403). */
  authRefusals = 0;
  /** Rooms started. */
  roomsLoaded = 0;
  /** Rooms unloaded (idle, failed or shut down). */
  roomsUnloaded = 0;
  /** Connections and room loads refused because the server was at `maxConnections` or `maxRooms`. */
  capacityRefusals = 0;

  /** Counts one frame in or out. */
  frame(direction: 'in' | 'out', bytes: number): void {
    if (direction === 'in') {
      this.framesIn++;
      this.bytesIn += bytes;
    } else {
      this.framesOut++;
      this.bytesOut += bytes;
    }
  }

  /** The Prometheus text format. */
  render(gauges: { rooms: number; connections: number }): string {
    const lines: string[] = [];
    const add = (name: string, type: 'gauge' | 'counter', help: string, value: number) => {
      lines.push(`# HELP lockstep_${name} ${help}`, `# TYPE lockstep_${name} ${type}`, `lockstep_${name} ${value}`);
    };
    add('rooms', 'gauge', 'Rooms loaded.', gauges.rooms);
    add('connections', 'gauge', 'Open WebSocket connections.', gauges.connections);
    add('transitions_applied_total', 'counter', 'Transitions committed.', this.transitions);
    add('rejects_total', 'counter', 'Submits refused.', this.rejects);
    add('errors_total', 'counter', 'Messages refused as invalid.', this.errors);
    add('frames_received_total', 'counter', 'WebSocket frames received.', this.framesIn);
    add('frames_sent_total', 'counter', 'WebSocket frames sent.', this.framesOut);
    add('bytes_received_total', 'counter', 'WebSocket payload bytes received.', this.bytesIn);
    add('bytes_sent_total', 'counter', 'WebSocket payload bytes sent.', this.bytesOut);
    add('backpressure_drops_total', 'counter', 'Connections dropped for not reading fast enough.', this.backpressureDrops);
    add('heartbeat_drops_total', 'counter', 'Connections dropped for not answering heartbeats.', this.heartbeatDrops);
    add('oversized_frames_total', 'counter', 'Frames over maxPayload.', this.oversized);
    add('auth_refusals_total', 'counter', 'Connections and requests refused by authentication.', this.authRefusals);
    add('rooms_loaded_total', 'counter', 'Rooms started.', this.roomsLoaded);
    add('rooms_unloaded_total', 'counter', 'Rooms unloaded.', this.roomsUnloaded);
    add('capacity_refusals_total', 'counter', 'Connections and rooms refused at maxConnections or maxRooms.', this.capacityRefusals);
    return `${lines.join('\n')}\n`;
  }
}
