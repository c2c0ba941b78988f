/**
 * NetXRay / Windows Sniffer reader over an in-memory source. A refused file is an RdpdiagError;
 * any other exception is a finding.
 */
import { readNetxray } from '../../../dist/capture/ngsniffer-reader.js';
import { ReadWindow } from '../../../dist/capture/window.js';
import { checkingSink, isRdpdiagError, MemSource, WINDOWS } from '../lib/memsource.mjs';

export const files = ['capture/ngsniffer-reader', 'capture/window'];
export const seeds = 'ngsniffer';
export const maxLen = 65536;
export const expected = isRdpdiagError;

export async function run(b) {
  const w = new ReadWindow(new MemSource(b), WINDOWS[b.length % 3]);
  await w.fill(24);
  await readNetxray(w, checkingSink(), 0, 'fuzz.cap');
}
