/**
 * The EVTX file header: the first 4096 bytes of a .evtx file ("ElfFile\0"), of which the first
 * 128 are defined. Layout as documented in libevtx's "Windows XML Event Log (EVTX) format":
 * first/last chunk number, next record id, header size (128), minor/major version (1/3),
 * header block size (4096), chunk count, flags (1 = dirty, 2 = full) at 120 and the CRC-32 of
 * bytes 0–119 at 124.
 */
import { crc32 } from './crc32.js';

export const FILE_HEADER_SIZE = 4096;
export const EVTX_FILE_MAGIC = 'ElfFile\0';

export interface EvtxFileHeader {
  readonly firstChunk: bigint;
  readonly lastChunk: bigint;
  readonly nextRecordId: bigint;
  readonly headerSize: number;
  readonly minorVersion: number;
  readonly majorVersion: number;
  readonly headerBlockSize: number;
  readonly chunkCount: number;
  /** 1 = dirty (not closed cleanly), 2 = full. */
  readonly flags: number;
  readonly checksum: number;
  /** Whether `checksum` equals the CRC-32 of bytes 0–119. */
  readonly checksumOk: boolean;
}

export function isEvtxFileMagic(b: Uint8Array): boolean {
  if (b.length < 8) return false;
  for (let i = 0; i < 8; i++) if (b[i] !== EVTX_FILE_MAGIC.charCodeAt(i)) return false;
  return true;
}

/** Null when `b` (at least 128 bytes) does not start with the file magic. */
export function parseFileHeader(b: Uint8Array): EvtxFileHeader | null {
  if (b.length < 128 || !isEvtxFileMagic(b)) return null;
  const v = new DataView(b.buffer, b.byteOffset, 128);
  const checksum = v.getUint32(124, true);
  return {
    firstChunk: v.getBigUint64(8, true),
    lastChunk: v.getBigUint64(16, true),
    nextRecordId: v.getBigUint64(24, true),
    headerSize: v.getUint32(32, true),
    minorVersion: v.getUint16(36, true),
    majorVersion: v.getUint16(38, true),
    headerBlockSize: v.getUint16(40, true),
    chunkCount: v.getUint16(42, true),
    flags: v.getUint32(120, true),
    checksum,
    checksumOk: crc32(b, 0, 120) === checksum,
  };
}
