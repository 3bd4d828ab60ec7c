/**
 * The lockstep wire protocol, version 1 (specified in docs/PROTOCOL.md). Every message is a
 * JSON object with a `type`; the first one a client sends is `hello`. Messages from the
 * network are validated with {@link validateClientMessage} before anything else looks at them.
 */
import { LockstepError } from '../errors.js';
import type { Json, Transition } from '../structures/machine.js';
import { compileSchema, describeErrors, ownSchema, type JsonSchema } from '../structures/schema.js';

/** The protocol version this build speaks. */
export const PROTOCOL_VERSION = 1;

/** A committed transition as the server broadcasts it. */
export interface Committed {
  version: number;
  effects: Transition[];
  /** The author's client id, or `'server'`. */
  origin: string;
  /** The author's seq (absent for server-origin changes). */
  seq?: number;
}

/** Client → server: first message of every connection. */
export interface HelloMessage {
  type: 'hello';
  v: number;
  /** Present when resuming an earlier session. */
  resume?: { clientId: string; token: string; version: number };
  /** The client understands `ack` (PROTOCOL.md §5 step 7); without it, it gets every `apply`. */
  acks?: boolean;
}
/** Client → server: transitions to apply atomically. */
export interface SubmitMessage {
  type: 'submit';
  seq: number;
  base: number;
  transitions: Transition[];
}
/** Either direction: presence data (`null` clears it); the server adds `clientId`. */
export interface PresenceMessage {
  type: 'presence';
  clientId?: string;
  data: Json;
}
/** Client → server: heartbeat. */
export interface PingMessage {
  type: 'ping';
  t: number;
}

/** Everything a client may send. */
export type ClientMessage = HelloMessage | SubmitMessage | PresenceMessage | PingMessage;

/** Server → client: the session is live. */
export interface WelcomeMessage {
  type: 'welcome';
  v: number;
  clientId: string;
  token: string;
  version: number;
  /** The room's seed: `ctx.random()` of the transition at version v is seeded with `transitionSeed(seed, v)`. */
  seed: number;
  /** Whether the server resumed the session the client asked for. */
  resumed: boolean;
  /** The full state when the client cannot catch up from `missed`. */
  snapshot?: Json;
  /** Committed transitions after the client's version, when it can catch up. */
  missed?: Committed[];
  /** The highest seq of this client the server has processed. */
  lastSeq: number;
  /** Recent refusals of this client's transitions it may not have heard about. */
  rejected: Array<{ seq: number; code: string; message: string }>;
  /** Presence of the other clients. */
  presence: Record<string, Json>;
}
/** Server → everyone: a committed transition. */
export interface ApplyMessage extends Committed {
  type: 'apply';
}
/**
 * Server → author, instead of the `apply` of its own submit: committed as `version`, with
 * exactly the effects the author applied optimistically (docs/PROTOCOL.md §5 step 7).
 */
export interface AckMessage {
  type: 'ack';
  version: number;
  seq: number;
}
/** Server → author: a refused transition. */
export interface RejectMessage {
  type: 'reject';
  seq: number;
  code: string;
  message: string;
}
/** Server → client: heartbeat answer. */
export interface PongMessage {
  type: 'pong';
  t: number;
}
/** Server → client: a message was not understood or not allowed (changes nothing). */
export interface ErrorMessage {
  type: 'error';
  code: string;
  message: string;
}

/** Everything a server may send. */
export type ServerMessage = WelcomeMessage | ApplyMessage | AckMessage | RejectMessage | PresenceMessage | PongMessage | ErrorMessage;

/** Limits a server enforces on client messages. */
export const LIMITS = {
  /** Transitions in one submit. */
  transitionsPerSubmit: 64,
  /** Segments in one path. */
  pathDepth: 32,
  /** Length of one path segment. */
  segmentLength: 1024,
  /** Length of an op's `type`. */
  opTypeLength: 64,
};

const seq = { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER };
const version = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER };
const id = { type: 'string', minLength: 1, maxLength: 128 };
const transition = {
  type: 'object',
  properties: {
    path: { type: 'array', maxItems: LIMITS.pathDepth, items: { type: 'string', maxLength: LIMITS.segmentLength } },
    op: { type: 'object', properties: { type: { type: 'string', maxLength: LIMITS.opTypeLength } }, required: ['type'] },
  },
  required: ['path', 'op'],
  additionalProperties: false,
};

/** JSON Schema of every client message. */
export const clientMessageSchema: JsonSchema = {
  oneOf: [
    {
      type: 'object',
      properties: {
        type: { const: 'hello' },
        v: { type: 'integer' },
        resume: {
          type: 'object',
          properties: { clientId: id, token: { type: 'string', maxLength: 256 }, version },
          required: ['clientId', 'token', 'version'],
          additionalProperties: false,
        },
        acks: { type: 'boolean' },
      },
      required: ['type', 'v'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: {
        type: { const: 'submit' },
        seq,
        base: version,
        transitions: { type: 'array', minItems: 1, maxItems: LIMITS.transitionsPerSubmit, items: transition },
      },
      required: ['type', 'seq', 'base', 'transitions'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: { type: { const: 'presence' }, data: {} },
      required: ['type', 'data'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: { type: { const: 'ping' }, t: { type: 'number' } },
      required: ['type', 't'],
      additionalProperties: false,
    },
  ],
};

/** The schema branch of each client message type, compiled on first use (checked against the meta-schema by a test). */
const branches = new Map<string, JsonSchema>(
  (clientMessageSchema.oneOf as JsonSchema[]).map((b) => [((b.properties as Record<string, { const: string }>).type as { const: string }).const, ownSchema(b)]),
);

/** Checks a decoded client message; `invalid_message` saying what is wrong. */
export function validateClientMessage(msg: unknown): ClientMessage {
  const t = isObject(msg) ? msg.type : undefined;
  if (typeof t !== 'string') throw new LockstepError('invalid_message', 'a message must be an object with a string `type`');
  // The branch of the message's own type, so the error names what is wrong with *it*.
  if (t === 'submit' && submitShaped(msg as Record<string, unknown>)) return msg as SubmitMessage; // the usual message, checked fast
  const branch = branches.get(t);
  if (!branch) throw new LockstepError('invalid_message', `unknown message type ${JSON.stringify(t.slice(0, 40))}`);
  const fn = compileSchema(branch);
  if (!fn(msg)) throw new LockstepError('invalid_message', `${t} message ${describeErrors(fn.errors)}`);
  return msg as ClientMessage;
}

/**
 * A fast check of a `submit`: true only when it satisfies its schema branch (then the schema
 * need not run); false leaves the decision, and the error message, to the schema. Each check is
 * the schema's own (ajv's: `for…in` keys, `=== undefined` for required, string length at most
 * the code point limit).
 */
export function submitShaped(m: Record<string, unknown>): boolean {
  const { seq, base, transitions: ts } = m;
  if (!isInt(seq, 1) || !isInt(base, 0) || !Array.isArray(ts) || ts.length < 1 || ts.length > LIMITS.transitionsPerSubmit) return false;
  for (const k in m) if (k !== 'type' && k !== 'seq' && k !== 'base' && k !== 'transitions') return false;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i] as { path?: unknown; op?: { type?: unknown } } | undefined;
    if (!isObject(t) || !Array.isArray(t.path) || !isObject(t.op)) return false;
    for (const k in t) if (k !== 'path' && k !== 'op') return false;
    const { path } = t;
    if (path.length > LIMITS.pathDepth) return false;
    for (let j = 0; j < path.length; j++) {
      const segment = path[j];
      if (typeof segment !== 'string' || segment.length > LIMITS.segmentLength) return false;
    }
    if (typeof t.op.type !== 'string' || t.op.type.length > LIMITS.opTypeLength) return false;
  }
  return true;
}

function isInt(n: unknown, min: number): boolean {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= min;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
