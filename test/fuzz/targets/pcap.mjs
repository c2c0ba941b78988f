/**
 * Classic pcap reader (µs/ns, both byte orders): the file header as file-source.ts checks it, then
 * readPcapRecords over an in-memory source with a small, medium or large read window. A refused
 * file is an RdpdiagError (exit 3 in the CLI); any other exception is a finding.
 */
import { parsePcapHeader, readPcapRecords } from '../../../dist/capture/pcap-reader.js';
import { ReadWindow } from '../../../dist/capture/window.js';
import { checkingSink, isRdpdiagError, MemSource, WINDOWS } from '../lib/memsource.mjs';

export const files = ['capture/pcap-reader', 'capture/window'];
export const seeds = 'pcap';
export const maxLen = 65536;
export const expected = isRdpdiagError;

export async function run(b) {
  const w = new ReadWindow(new MemSource(b), WINDOWS[b.length % 3]);
  await w.fill(24);
  const h = parsePcapHeader(w.buf.subarray(w.start, w.end));
  if (!h || h.versionMajor !== 2) return;
  w.start += 24;
  await readPcapRecords(w, h, checkingSink(), 0, 'fuzz.pcap');
}
