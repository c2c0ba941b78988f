/**
 * The header of one event record inside a chunk: signature "**\0\0", size, record number
 * (EventRecordID as the log wrote it), FILETIME written, then Binary XML up to a trailing copy of
 * the size.
 */
export const RECORD_HEADER_SIZE = 24;
export const RECORD_MAGIC = 0x00002a2a;

export interface EvtxRecordHeader {
  /** Offset of the record in its chunk. */
  readonly offset: number;
  readonly size: number;
  readonly recordNumber: bigint;
  /** FILETIME (100 ns since 1601-01-01 UTC). */
  readonly written: bigint;
  /** Where the Binary XML starts and ends (chunk-relative). */
  readonly xmlStart: number;
  readonly xmlEnd: number;
}

/** Null when there is no well-formed record at `off` (bad signature, size out of the chunk, size copy differs). */
export function parseRecordHeader(v: DataView, off: number, limit: number): EvtxRecordHeader | null {
  if (off + RECORD_HEADER_SIZE + 4 > limit) return null;
  if (v.getUint32(off, true) !== RECORD_MAGIC) return null;
  const size = v.getUint32(off + 4, true);
  if (size < RECORD_HEADER_SIZE + 4 || off + size > limit) return null;
  if (v.getUint32(off + size - 4, true) !== size) return null;
  return {
    offset: off,
    size,
    recordNumber: v.getBigUint64(off + 8, true),
    written: v.getBigUint64(off + 16, true),
    xmlStart: off + RECORD_HEADER_SIZE,
    xmlEnd: off + size - 4,
  };
}
