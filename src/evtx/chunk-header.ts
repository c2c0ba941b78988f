/**
 * The header of one 64 KiB EVTX chunk ("ElfChnk\0", 512 bytes): record number and id ranges,
 * offset of the last record and of the free space, CRC-32 of the records (bytes 512 up to the free
 * space) at 52, flags at 120, CRC-32 of bytes 0–119 and 128–511 at 124. Bytes 128–383 are the
 * string table (64 offsets of common names), 384–511 the template table (32 offsets); the parser
 * does not need them, since every name and template offset is also given in place.
 */
import { crc32 } from './crc32.js';

export const CHUNK_SIZE = 0x10000;
export const CHUNK_HEADER_SIZE = 512;
export const EVTX_CHUNK_MAGIC = 'ElfChnk\0';

export interface EvtxChunkHeader {
  readonly firstRecordNumber: bigint;
  readonly lastRecordNumber: bigint;
  readonly firstRecordId: bigint;
  readonly lastRecordId: bigint;
  readonly headerSize: number;
  readonly lastRecordOffset: number;
  readonly freeSpaceOffset: number;
  readonly recordsChecksum: number;
  readonly flags: number;
  readonly headerChecksum: number;
  readonly headerChecksumOk: boolean;
  readonly recordsChecksumOk: boolean;
}

export function isChunkMagic(b: Uint8Array): boolean {
  if (b.length < 8) return false;
  for (let i = 0; i < 8; i++) if (b[i] !== EVTX_CHUNK_MAGIC.charCodeAt(i)) return false;
  return true;
}

/** Null when `b` does not start with the chunk magic or is shorter than a chunk header. */
export function parseChunkHeader(b: Uint8Array): EvtxChunkHeader | null {
  if (b.length < CHUNK_HEADER_SIZE || !isChunkMagic(b)) return null;
  const v = new DataView(b.buffer, b.byteOffset, CHUNK_HEADER_SIZE);
  const freeSpaceOffset = v.getUint32(48, true);
  const recordsChecksum = v.getUint32(52, true);
  const headerChecksum = v.getUint32(124, true);
  const hc = crc32(b, 128, CHUNK_HEADER_SIZE, crc32(b, 0, 120));
  const end = Math.min(freeSpaceOffset, b.length);
  const rc = freeSpaceOffset >= CHUNK_HEADER_SIZE ? crc32(b, CHUNK_HEADER_SIZE, end) : -1;
  return {
    firstRecordNumber: v.getBigUint64(8, true),
    lastRecordNumber: v.getBigUint64(16, true),
    firstRecordId: v.getBigUint64(24, true),
    lastRecordId: v.getBigUint64(32, true),
    headerSize: v.getUint32(40, true),
    lastRecordOffset: v.getUint32(44, true),
    freeSpaceOffset,
    recordsChecksum,
    flags: v.getUint32(120, true),
    headerChecksum,
    headerChecksumOk: hc === headerChecksum,
    recordsChecksumOk: rc === recordsChecksum,
  };
}
