/// <reference types="node" />
/**
 * The framing of everything the file journal writes: `[length u32 LE][crc u32 LE][payload]`,
 * where the payload is UTF-8 JSON and the CRC-32 covers the length bytes and the payload. A
 * torn write leaves a frame whose length runs past the end of the file, or whose CRC does not
 * match (zero-filled tails included, since the CRC of a zero length is not zero).
 */
import { Buffer } from 'node:buffer';
import { crc32 } from './crc32.js';

/** Bytes before the payload of a frame. */
export const FRAME_HEADER_BYTES = 8;

/** A frame holding `json`. */
export function encodeFrame(json: string): Buffer {
  const length = Buffer.byteLength(json);
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + length);
  frame.writeUInt32LE(length, 0);
  frame.write(json, FRAME_HEADER_BYTES, 'utf8');
  frame.writeUInt32LE(crc32(frame.subarray(FRAME_HEADER_BYTES), crc32(frame.subarray(0, 4))), 4);
  return frame;
}

/** A decoded frame (its JSON text and where the next frame starts), or what is wrong with it. */
export type DecodedFrame = { json: string; end: number; problem?: undefined } | { problem: string };

/** Decodes the frame that starts at byte `at` of `bytes`. */
export function decodeFrame(bytes: Buffer, at: number): DecodedFrame {
  const left = bytes.length - at;
  if (left < FRAME_HEADER_BYTES) return { problem: `torn frame header (${left} of ${FRAME_HEADER_BYTES} bytes)` };
  const length = bytes.readUInt32LE(at);
  const end = at + FRAME_HEADER_BYTES + length;
  if (end > bytes.length) {
    return { problem: `torn frame (${length} bytes announced, ${left - FRAME_HEADER_BYTES} present)` };
  }
  const crc = crc32(bytes.subarray(at + FRAME_HEADER_BYTES, end), crc32(bytes.subarray(at, at + 4)));
  if (crc !== bytes.readUInt32LE(at + 4)) return { problem: 'checksum mismatch' };
  return { json: bytes.toString('utf8', at + FRAME_HEADER_BYTES, end), end };
}
