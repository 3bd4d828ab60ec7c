/**
 * Loads the editing traces in traces/ (copied unchanged from josephg/editing-traces; see traces/NOTICE.md).
 * Attribution (CC BY 4.0, https://creativecommons.org/licenses/by/4.0/):
 *   automerge-paper.json.gz — Martin Kleppmann, Alastair R. Beresford (automerge/automerge-perf);
 *   seph-blog1.json.gz — Joseph Gentle.
 * Positions count code points; both traces are BMP-only, so they equal UTF-16 offsets.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** One edit: delete `del` characters at `pos`, then insert `ins` there. */
export type Patch = [pos: number, del: number, ins: string];

/** A sequential editing trace. */
export interface Trace {
  startContent: string;
  endContent: string;
  txns: { patches: Patch[] }[];
}

/** The trace names in traces/. */
export const TRACES = ['automerge-paper', 'seph-blog1'];

/** Reads one trace. */
export function loadTrace(name: string): Trace {
  const file = join(__dirname, '../../traces', `${name}.json.gz`);
  return JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as Trace;
}
