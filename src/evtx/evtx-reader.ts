/**
 * Reads a .evtx file chunk by chunk: one 64 KiB buffer is reused for every chunk, so memory stays
 * bounded whatever the file's size. Checksum mismatches are reported and the chunk is still read;
 * a block without the chunk signature is skipped with a warning naming its offset; a record that
 * cannot be parsed is reported and the reader goes on with the next one.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { BinXmlError, ChunkParser } from './binxml.js';
import { CHUNK_HEADER_SIZE, CHUNK_SIZE, isChunkMagic, parseChunkHeader } from './chunk-header.js';
import { eventElement, toEventRecord, type EventRecord } from './event.js';
import { FILE_HEADER_SIZE, parseFileHeader } from './file-header.js';
import { parseRecordHeader, RECORD_MAGIC } from './record.js';
import { filetimeToIso } from './time.js';
import { warning, type EvtxWarning } from './warning.js';

export type LogItem = { readonly event: EventRecord } | { readonly warning: EvtxWarning };

/** Reads bytes of a file at given offsets (a file descriptor in practice; a buffer in tests). */
export interface ByteSource {
  readonly size: number;
  read(into: Uint8Array, length: number, position: number): number;
}

function fileSource(fd: number): ByteSource {
  return { size: fstatSync(fd).size, read: (into, length, position) => readSync(fd, into, 0, length, position) };
}

/** The events of a .evtx file (and warnings), read with bounded memory. */
export function* readEvtxFile(path: string, name = path): Generator<LogItem> {
  const fd = openSync(path, 'r');
  try {
    yield* readEvtx(fileSource(fd), name);
  } finally {
    closeSync(fd);
  }
}

function allZero(b: Uint8Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (b[i] !== 0) return false;
  return true;
}

export function* readEvtx(src: ByteSource, file: string): Generator<LogItem> {
  const buf = new Uint8Array(CHUNK_SIZE);
  const n0 = src.read(buf, FILE_HEADER_SIZE, 0);
  const fh = parseFileHeader(buf.subarray(0, n0));
  if (fh === null) {
    yield { warning: warning(file, 0, 'not an EVTX file (no "ElfFile" signature)') };
    return;
  }
  if (!fh.checksumOk) yield { warning: warning(file, 124, 'file header checksum does not match (read on)') };
  for (let i = 0, off = FILE_HEADER_SIZE; off < src.size; i++, off += CHUNK_SIZE) {
    if (i >= fh.chunkCount) {
      // Windows reads only the chunks the header counts; blocks past them are unused or stale.
      if (src.read(buf, 8, off) === 8 && isChunkMagic(buf)) {
        yield { warning: warning(file, off, `chunks past the ${fh.chunkCount} the file header counts are stale (left from before the log was cleared or wrapped): not read`) };
      }
      break;
    }
    const n = src.read(buf, CHUNK_SIZE, off);
    if (n < CHUNK_HEADER_SIZE) {
      if (!allZero(buf, n)) yield { warning: warning(file, off, `last chunk cut off after ${n} bytes: skipped`) };
      break;
    }
    const chunk = buf.subarray(0, n);
    const ch = parseChunkHeader(chunk);
    if (ch === null) {
      if (!allZero(buf, 8)) yield { warning: warning(file, off, 'no chunk signature ("ElfChnk"): chunk skipped') };
      continue;
    }
    if (n < CHUNK_SIZE) yield { warning: warning(file, off, `chunk cut off after ${n} of ${CHUNK_SIZE} bytes (read what is there)`) };
    if (!ch.headerChecksumOk) yield { warning: warning(file, off + 124, 'chunk header checksum does not match (read on)') };
    else if (!ch.recordsChecksumOk) yield { warning: warning(file, off + 52, 'chunk records checksum does not match (read on)') };
    const limit = ch.freeSpaceOffset >= CHUNK_HEADER_SIZE && ch.freeSpaceOffset <= n ? ch.freeSpaceOffset : n;
    yield* readChunk(chunk, off, limit, file);
  }
}

function* readChunk(chunk: Uint8Array, base: number, limit: number, file: string): Generator<LogItem> {
  const v = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  const parser = new ChunkParser(chunk);
  let p = CHUNK_HEADER_SIZE;
  while (p + 4 <= limit) {
    const rh = parseRecordHeader(v, p, limit);
    if (rh === null) {
      if (v.getUint32(p, true) === 0) {
        // Zeros before the free-space offset: unused space at the end, or a zeroed stretch with records after it.
        const next = resync(v, p + 4, limit);
        if (next < 0) break;
        yield { warning: warning(file, base + p, `${next - p} zeroed bytes among the records: skipped`) };
        p = next;
        continue;
      }
      const size = p + 28 <= limit ? v.getUint32(p + 4, true) : 0;
      if (size >= 28 && p + size <= limit && v.getUint32(p, true) === RECORD_MAGIC) {
        // Signature and size plausible, but the size copy at the end differs: the record's bytes are damaged.
        const number = v.getBigUint64(p + 8, true);
        yield { warning: warning(file, base + p, `record ${number} is damaged (its size copy at the end reads ${v.getUint32(p + size - 4, true)}, not ${size}): skipped`) };
        const after = p + size;
        if (after + 4 > limit || v.getUint32(after, true) === RECORD_MAGIC || v.getUint32(after, true) === 0) {
          p = after;
          continue;
        }
      }
      const next = resync(v, p + 1, limit);
      yield { warning: warning(file, base + p, `no valid event record here: ${next < 0 ? 'rest of the chunk skipped' : `skipped ${next - p} bytes`}`) };
      if (next < 0) break;
      p = next;
      continue;
    }
    try {
      const nodes = parser.parseFragment(rh.xmlStart, rh.xmlEnd);
      const ev = eventElement(nodes);
      if (ev === undefined) {
        yield { warning: warning(file, base + p, `record ${rh.recordNumber} holds no Event element: skipped`) };
      } else {
        yield { event: toEventRecord(file, ev, Number(rh.recordNumber), filetimeToIso(rh.written)) };
        if (parser.badValues > 0) yield { warning: warning(file, base + p, `record ${rh.recordNumber}: ${parser.badValues} value(s) did not fit their type (shown in hex)`) };
      }
    } catch (e) {
      if (!(e instanceof BinXmlError)) throw e;
      yield { warning: warning(file, base + e.offset, `record ${rh.recordNumber} (at offset ${base + p}): ${e.message}: skipped`) };
    }
    p += rh.size;
  }
}

/** Offset of the next plausible record signature at or after `p`, or -1. */
function resync(v: DataView, p: number, limit: number): number {
  for (let q = p; q + 28 <= limit; q++) {
    if (v.getUint32(q, true) === RECORD_MAGIC && parseRecordHeader(v, q, limit) !== null) return q;
  }
  return -1;
}
