/// <reference types="node" />
/**
 * lockstep/server — the Node room server (Node only: it uses `ws` and `node:` modules).
 * `createServer({ rooms })` hosts many rooms over WebSockets with durable journals; room
 * services with Stateroom-style hooks run anything else.
 */
export { createServer, type LockstepServer, type Rooms } from './createServer.js';
export type { ServerOptions, RoomSpec, SyncRoomSpec } from './ServerOptions.js';
export type { RoomService, RoomContext, RoomClient, RoomRef, ServiceSpec } from './RoomService.js';
export type { RoomInfo } from './RoomHost.js';
export { SyncRoom, type Authorize, type SyncRoomSnapshot } from './sync/SyncRoom.js';
export type { RoomInit } from './sync/openSyncRoom.js';
export type { Authenticate, AuthRequest } from './http/authenticate.js';
export { Metrics } from './Metrics.js';
export { jsonLogger, defaultLogger, type Logger, type LogLevel, type JsonLoggerOptions } from './logger.js';
export { hmacTokens, loadSecret } from './hmacTokens.js';
export { closeOnSignals, type CloseOnSignalsOptions } from './closeOnSignals.js';
export { staticFiles, type StaticFilesOptions } from './http/staticFiles.js';
export { WsTransport, type WsTransportOptions, type WsDropReason } from '../transport/ws/WsTransport.js';
export { FileJournal, type FileJournalOptions, type Durability, type JournalStats } from './journal/FileJournal.js';
export { MemoryJournal, MemoryJournalStorage, type MemoryJournalOptions, type MemoryJournalOp } from './journal/MemoryJournal.js';
export type { Journal, JournalRecord, RoomSnapshot, LoadedRoom, JournalRepair } from './journal/Journal.js';
export { journalConformance, type JournalConformanceCase } from './journal/conformance.js';
