/**
 * A capture file (or '-' for standard input): pcap, pcapng, NetMon, NetXRay/Windows Sniffer or
 * ERF, optionally gzip-compressed.
 * The format is detected from the first bytes, never from the file name.
 */
import { u32 } from '../core/bytes.js';
import { ErrorCode, RdpdiagError } from '../core/errors.js';
import { openByteSource } from './byte-source.js';
import { parsePcapHeader, readPcapRecords } from './pcap-reader.js';
import { BT_SHB, readPcapngBlocks } from './pcapng-reader.js';
import { NETMON1_MAGIC, NETMON2_MAGIC, readNetmon } from './netmon-reader.js';
import { looksLikeErf, readErfRecords } from './erf-reader.js';
import { NETXRAY_MAGIC, NETXRAY_OLD_MAGIC, readNetxray } from './ngsniffer-reader.js';
import type { CaptureFormat, CaptureSource, FrameSink, SourceSummary } from './source.js';
import { ReadWindow } from './window.js';

export class FileSource implements CaptureSource {
  constructor(
    readonly label: string,
    readonly fileIndex: number,
    private readonly windowSize?: number,
  ) {}

  async run(sink: FrameSink): Promise<SourceSummary> {
    const { source, gzip } = await openByteSource(this.label);
    const w = new ReadWindow(source, this.windowSize);
    try {
      await w.fill(24);
      if (w.available < 4) {
        throw new RdpdiagError(ErrorCode.NOT_A_CAPTURE, `${this.label}: empty or too short to be a capture (${w.available} bytes)`, this.label);
      }
      const first = u32(w.buf, w.start, false);
      let format: CaptureFormat;
      let frames = 0;
      let truncated = false;
      if (first === BT_SHB) {
        format = 'pcapng';
        const r = await readPcapngBlocks(w, sink, this.fileIndex, this.label);
        frames = r.frames;
        truncated = r.truncated;
      } else if (first === NETMON2_MAGIC || first === NETMON1_MAGIC) {
        format = 'netmon';
        const r = await readNetmon(w, source, sink, this.fileIndex, this.label);
        return { label: this.label, format, frames: r.frames, bytes: r.bytes, gzip, truncated: r.truncated };
      } else if (first === NETXRAY_MAGIC || first === NETXRAY_OLD_MAGIC) {
        format = 'ngsniffer';
        const r = await readNetxray(w, sink, this.fileIndex, this.label);
        frames = r.frames;
        truncated = r.truncated;
      } else if (!parsePcapHeader(w.buf.subarray(w.start, w.end)) && (await looksLikeErf(w))) {
        // ERF has no magic: recognised by its first records, after every format that has one.
        format = 'erf';
        const r = await readErfRecords(w, sink, this.fileIndex, this.label);
        frames = r.frames;
        truncated = r.truncated;
      } else {
        const h = parsePcapHeader(w.buf.subarray(w.start, w.end));
        if (!h) {
          throw new RdpdiagError(
            ErrorCode.NOT_A_CAPTURE,
            `${this.label}: not a pcap or pcapng file (first bytes ${hex4(w.buf, w.start)}); convert it with 'editcap -F pcapng IN OUT'`,
            this.label,
          );
        }
        if (h.versionMajor !== 2) {
          throw new RdpdiagError(
            ErrorCode.NOT_A_CAPTURE,
            `${this.label}: pcap version ${h.versionMajor}.${h.versionMinor} is not supported (only 2.x is defined)`,
            this.label,
          );
        }
        format = h.nanos ? 'pcap-ns' : 'pcap';
        sink.interface({ id: 0, linkType: h.linkType, snaplen: h.snaplen }, this.fileIndex);
        w.start += 24;
        const r = await readPcapRecords(w, h, sink, this.fileIndex, this.label);
        frames = r.frames;
        truncated = r.truncated;
      }
      return { label: this.label, format, frames, bytes: w.offset, gzip, truncated };
    } finally {
      await source.close();
    }
  }
}

function hex4(b: Uint8Array, o: number): string {
  let s = '';
  for (let i = 0; i < 4 && o + i < b.length; i++) s += b[o + i]!.toString(16).padStart(2, '0') + ' ';
  return s.trim();
}
