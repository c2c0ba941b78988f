/**
 * pcapng reader (SHB/IDB/EPB/PB/SPB/NRB/ISB/DSB, both byte orders, several sections) over an
 * in-memory source with a small, medium or large read window. A refused file is an RdpdiagError;
 * any other exception is a finding.
 */
import { readPcapngBlocks } from '../../../dist/capture/pcapng-reader.js';
import { ReadWindow } from '../../../dist/capture/window.js';
import { checkingSink, isRdpdiagError, MemSource, WINDOWS } from '../lib/memsource.mjs';

export const files = ['capture/pcapng-reader', 'capture/window'];
export const seeds = 'pcapng';
export const maxLen = 65536;
export const expected = isRdpdiagError;

export async function run(b) {
  const w = new ReadWindow(new MemSource(b), WINDOWS[b.length % 3]);
  await w.fill(24);
  await readPcapngBlocks(w, checkingSink(), 0, 'fuzz.pcapng');
}
