/**
 * lockstep — shared application state for real-time apps. The public API; browser-safe.
 * Import it as a namespace (`import * as L from 'lockstep'`) so `L.Map` does not shadow `Map`.
 */
import './decorators/metadata.js';

export { LockstepError, Conflict, type ErrorCode } from './errors.js';
export type {
  Json,
  Path,
  Op,
  Transition,
  Effect,
  ApplyContext,
  Applied,
  PatchOp,
  Machine,
} from './structures/machine.js';
export type { JsonSchema } from './structures/schema.js';
export { context } from './structures/Applier.js';
export { Atom, type AtomOp, type AtomOptions, type JsonPatchOp } from './structures/atom/Atom.js';
export { Counter, type CounterOp, type CounterOptions } from './structures/counter/Counter.js';
export { Map, type MapOp } from './structures/map/Map.js';
export { List, type ListOp } from './structures/list/List.js';
export { Tree, type TreeOp, type TreeNodeView } from './structures/tree/Tree.js';
export { Text, type TextEditOp } from './structures/text/Text.js';
export { textType, type TextOp, type TextComponent, type TextType, type Side } from './structures/text/ot/textType.js';
export { keyBetween } from './structures/fractional.js';
export { textDiff, editOp, type TextEdit } from './structures/text/textDiff.js';
export { stateMachine } from './decorators/stateMachine.js';
export { field } from './decorators/field.js';
export { transition } from './decorators/transition.js';
export { defineStateMachine, type Defined, type FieldSpec, type TransitionSpec } from './decorators/defineStateMachine.js';
export type { FieldOptions, TransitionOptions } from './decorators/metadata.js';
export type { CallOp } from './decorators/StructNode.js';
export { Doc, type DocApplyOptions, type DocChange, type DocListener, type DocApplied } from './sync/Doc.js';
export { toJsonPatch } from './sync/toJsonPatch.js';
export { SyncServer, type SyncServerOptions, type Identity } from './sync/SyncServer.js';
export { DEFAULT_LIMITS, type SyncLimits } from './sync/limits.js';
export { SyncClient, type SyncClientOptions, type SyncClientEvents, type SyncStatus } from './sync/SyncClient.js';
export type { Connection } from './sync/Connection.js';
export type { TextCursor } from './sync/TextCursor.js';
export type { Presence } from './sync/Presence.js';
export type { Timer } from './sync/rootHooks.js';
export { jsonCodec, type Codec } from './sync/codec.js';
export { realClock, type Clock } from './sync/Clock.js';
export { memoryTokens, type TokenIssuer } from './sync/tokens.js';
export {
  PROTOCOL_VERSION,
  type ClientMessage,
  type ServerMessage,
  type Committed,
  type HelloMessage,
  type SubmitMessage,
  type PresenceMessage,
  type PingMessage,
  type WelcomeMessage,
  type ApplyMessage,
  type RejectMessage,
  type PongMessage,
  type ErrorMessage,
} from './sync/protocol.js';
export type { Transport, TransportState, TransportHandlers, Frame } from './transport/Transport.js';
export {
  createMemoryNetwork,
  MemoryNetwork,
  type MemoryNetworkOptions,
  type MemoryNetworkStats,
  type DirectionStats,
  type Duration,
} from './transport/memory/MemoryNetwork.js';
export { binaryCodec } from './transport/binary/binaryCodec.js';
export {
  WebSocketTransport,
  type WebSocketTransportOptions,
  type WebSocketLike,
  type WebSocketConstructor,
} from './transport/websocket/WebSocketTransport.js';
export { connect, type ConnectOptions } from './transport/websocket/connect.js';
