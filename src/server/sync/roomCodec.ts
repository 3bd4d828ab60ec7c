/**
 * The codecs of a sync room. A SyncServer encodes with one codec and broadcasts one frame to
 * every client, but clients of one room may have picked different codecs. So the room's server
 * encodes in binary (the default offer of `connect`) and decodes by frame type; frames for a
 * JSON client are transcoded once per frame, shared by all JSON clients of the room.
 */
import { jsonCodec, type Codec } from '../../sync/codec.js';
import { binaryCodec } from '../../transport/binary/binaryCodec.js';
import type { Frame } from '../../transport/Transport.js';

/** The SyncServer's codec: binary out (each message's `type` reported to `observe`), either in. */
export function roomCodec(observe: (type: unknown) => void): Codec {
  return {
    name: binaryCodec.name,
    encode(message) {
      observe((message as { type?: unknown }).type);
      return binaryCodec.encode(message);
    },
    decode(frame) {
      return typeof frame === 'string' ? jsonCodec.decode(frame) : binaryCodec.decode(frame);
    },
  };
}

/** Rewrites the room's binary frames as JSON text, remembering each frame's text. */
export function jsonTranscoder(): (frame: Frame) => Frame {
  const texts = new WeakMap<Uint8Array, string>();
  return (frame) => {
    if (typeof frame === 'string') return frame;
    let text = texts.get(frame);
    if (text === undefined) {
      text = jsonCodec.encode(binaryCodec.decode(frame) as object) as string;
      texts.set(frame, text);
    }
    return text;
  };
}
