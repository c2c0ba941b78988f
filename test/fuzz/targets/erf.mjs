/**
 * ERF reader (no magic: recognised by its first records, then read) over an in-memory source. A
 * refused file is an RdpdiagError; any other exception is a finding.
 */
import { looksLikeErf, readErfRecords } from '../../../dist/capture/erf-reader.js';
import { ReadWindow } from '../../../dist/capture/window.js';
import { checkingSink, isRdpdiagError, MemSource, WINDOWS } from '../lib/memsource.mjs';

export const files = ['capture/erf-reader', 'capture/window'];
export const seeds = 'erf';
export const maxLen = 65536;
export const expected = isRdpdiagError;

export async function run(b) {
  const w = new ReadWindow(new MemSource(b), WINDOWS[b.length % 3]);
  await w.fill(24);
  await looksLikeErf(w);
  await readErfRecords(w, checkingSink(), 0, 'fuzz.erf');
}
