/**
 * Codecs turn protocol messages into frames and back. The JSON codec uses text frames; a
 * binary codec (`lockstep.v1.bin`) lives in transport/binary. Decoding never trusts its input: it throws
 * `invalid_message` for anything that is not a message object.
 */
import { LockstepError } from '../errors.js';
import type { Frame } from '../transport/Transport.js';

/** Encodes and decodes protocol messages. */
export interface Codec {
  /** The WebSocket subprotocol name (`lockstep.v1.json`). */
  readonly name: string;
  encode(message: object): Frame;
  decode(frame: Frame): unknown;
}

/** JSON in text frames. */
export const jsonCodec: Codec = {
  name: 'lockstep.v1.json',
  encode(message: object): Frame {
    return JSON.stringify(message);
  },
  decode(frame: Frame): unknown {
    if (typeof frame !== 'string') throw new LockstepError('invalid_message', 'expected a text frame with JSON');
    let value: unknown;
    try {
      value = JSON.parse(frame);
    } catch {
      throw new LockstepError('invalid_message', 'frame is not valid JSON');
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new LockstepError('invalid_message', 'a message must be a JSON object');
    }
    return value;
  },
};
