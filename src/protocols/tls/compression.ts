/**
 * TLS record compression (RFC 3749, method 1 = DEFLATE): one zlib stream per direction, each
 * record flushed with Z_SYNC_FLUSH. Long disabled everywhere (CRIME) and never used by RDP; old
 * captures still show it. node:zlib has no documented synchronous streaming inflater, so the
 * compressed bytes of a direction are kept (bounded) and re-inflated as a whole for each record,
 * returning only the new output. Cold path.
 */
import { constants, inflateSync } from 'node:zlib';

export const CompressionMethod = { null: 0, deflate: 1 } as const;

/** Compressed bytes kept per direction before giving up. */
export const MAX_COMPRESSED_HISTORY = 1 << 20;

export type InflateResult = { ok: true; plaintext: Uint8Array } | { ok: false; reason: string };

export class RecordInflater {
  private history = new Uint8Array(0);
  private produced = 0;
  failed = false;

  inflate(record: Uint8Array): InflateResult {
    if (this.failed) return { ok: false, reason: 'decompression already failed' };
    if (this.history.length + record.length > MAX_COMPRESSED_HISTORY) {
      this.failed = true;
      return { ok: false, reason: `more than ${MAX_COMPRESSED_HISTORY} compressed bytes in one direction` };
    }
    const next = new Uint8Array(this.history.length + record.length);
    next.set(this.history);
    next.set(record, this.history.length);
    this.history = next;
    let out: Buffer;
    try {
      out = inflateSync(next, { finishFlush: constants.Z_SYNC_FLUSH });
    } catch (e) {
      this.failed = true;
      return { ok: false, reason: `DEFLATE data is corrupt (${e instanceof Error ? e.message : String(e)})` };
    }
    const plaintext = new Uint8Array(out.subarray(this.produced));
    this.produced = out.length;
    return { ok: true, plaintext };
  }
}
