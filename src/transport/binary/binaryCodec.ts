/**
 * `lockstep.v1.bin`: each protocol message as one MessagePack map in a binary frame (format in
 * docs/PROTOCOL.md §9). Why MessagePack rather than a format of our own: a client in any
 * language can speak it with an off-the-shelf MessagePack library, which the protocol promises;
 * it is schema-less, so new ops and primitives need no codec change; and it is compact where
 * lockstep messages are heavy — integers (versions, seqs, Text retains) take 1–5 bytes and
 * strings need no quoting or escaping. The encoder and decoder are small and written here, so
 * the browser bundle gains no dependency.
 */
import { LockstepError } from '../../errors.js';
import type { Codec } from '../../sync/codec.js';
import type { Frame } from '../Transport.js';
import { decodeMessage } from './decodeValue.js';
import { encodeMessage } from './encodeValue.js';

/**
 * MessagePack in binary frames. Frames up to 2 KiB are views of a buffer they share (as Node's
 * pooled `Buffer`s are): read one through its `byteOffset` and `byteLength`.
 */
export const binaryCodec: Codec = {
  name: 'lockstep.v1.bin',
  encode(message: object): Frame {
    return encodeMessage(message);
  },
  decode(frame: Frame): unknown {
    if (typeof frame === 'string') throw new LockstepError('invalid_message', 'expected a binary frame (lockstep.v1.bin)');
    const value = decodeMessage(frame);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new LockstepError('invalid_message', 'a message must be a map (or a record, PROTOCOL.md §9)');
    }
    return value;
  },
};
