/**
 * Network Monitor 1.x/2.x reader (header, frame table read with positioned reads, records) over an
 * in-memory source. A refused file is an RdpdiagError; any other exception is a finding.
 */
import { readNetmon } from '../../../dist/capture/netmon-reader.js';
import { ReadWindow } from '../../../dist/capture/window.js';
import { checkingSink, isRdpdiagError, MemSource, WINDOWS } from '../lib/memsource.mjs';

export const files = ['capture/netmon-reader', 'capture/window'];
export const seeds = 'netmon';
export const maxLen = 65536;
export const expected = isRdpdiagError;

export async function run(b) {
  const src = new MemSource(b);
  const w = new ReadWindow(src, WINDOWS[b.length % 3]);
  await w.fill(24);
  await readNetmon(w, src, checkingSink(), 0, 'fuzz.cap');
}
