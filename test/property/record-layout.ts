/**
 * An independent walk of a capture's record layout (the spec's framing only: pcap 24-byte
 * header then 16-byte record headers; pcapng blocks by total length), used to predict what
 * a reader must deliver from any prefix of the file.
 */
export interface RecordSpan {
  start: number;
  end: number;
  /** Whether this record is a frame (Wireshark numbers it). */
  frame: boolean;
  /** pcapng block type (0 for pcap records). */
  type: number;
}

/** pcapng block types Wireshark shows as frames: PB, SPB, EPB, systemd journal, custom blocks. */
const PCAPNG_FRAME_TYPES = new Set([0x2, 0x3, 0x6, 0x9, 0xbad, 0x40000bad]);

export function pcapLayout(b: Uint8Array): { headerEnd: number; records: RecordSpan[] } {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const le = dv.getUint32(0, true) === 0xa1b2c3d4 || dv.getUint32(0, true) === 0xa1b23c4d;
  const records: RecordSpan[] = [];
  let o = 24;
  while (o + 16 <= b.length) {
    const incl = dv.getUint32(o + 8, le);
    records.push({ start: o, end: o + 16 + incl, frame: true, type: 0 });
    o += 16 + incl;
  }
  return { headerEnd: 24, records };
}

export function pcapngLayout(b: Uint8Array): { headerEnd: number; records: RecordSpan[] } {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const records: RecordSpan[] = [];
  let le = true;
  let o = 0;
  while (o + 12 <= b.length) {
    if (dv.getUint32(o, true) === 0x0a0d0d0a) le = dv.getUint32(o + 8, true) === 0x1a2b3c4d;
    const type = dv.getUint32(o, le);
    const len = (dv.getUint32(o + 4, le) + 3) & ~3;
    records.push({ start: o, end: o + len, frame: PCAPNG_FRAME_TYPES.has(type), type });
    o += len;
  }
  return { headerEnd: 0, records };
}
