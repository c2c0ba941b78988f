/**
 * TLS secrets from --keylog files and pcapng Decryption Secrets Blocks, matched to
 * connections by client random. Secrets themselves never leave this module.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { ErrorCode, RdpdiagError } from '../core/errors.js';
import type { EmbeddedSecrets } from '../capture/frame.js';
import { createDecryptorFactory } from '../protocols/tls/decrypt/factory.js';
import { SecretStore } from '../protocols/tls/decrypt/keylog.js';
import type { DecryptorFactory } from '../protocols/tls/decrypt/types.js';

export interface SecretSourceSummary {
  origin: string;
  added: number;
  badLines: number;
}

export class Secrets {
  readonly store = new SecretStore();
  readonly factory: DecryptorFactory = createDecryptorFactory(this.store);
  readonly sources: SecretSourceSummary[] = [];

  addKeyLogFile(path: string): void {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new RdpdiagError(ErrorCode.KEYLOG_UNREADABLE, `${path}: cannot read key log (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, path);
    }
    const r = this.store.addText(text, `keylog:${path}`, 0);
    this.sources.push({ origin: `keylog:${path}`, added: r.added, badLines: r.issues.length });
  }

  addEmbedded(s: EmbeddedSecrets): void {
    const origin = `pcapng-dsb:file${s.fileIndex}:frame${s.fromFrame}`;
    const r = this.store.addText(s.text, origin, s.fromFrame);
    this.sources.push({ origin, added: r.added, badLines: r.issues.length });
  }

  get size(): number {
    return this.store.size;
  }
}

/** Longer than any NSS key log line (a TLS 1.3 line is under 300 characters). */
const MAX_PARTIAL_LINE = 4096;
/** Bytes compared at the start of a followed key log to notice it was written again from scratch. */
const HEAD_CHECK = 64;

/**
 * A key log that a running client is still writing (live capture): each `poll()` reads what was
 * appended since the last one, whole lines only. The file may not exist yet when the capture
 * starts. Its secrets apply from the first frame (fromFrame 0).
 */
export class KeyLogFollower {
  private offset = 0;
  private partial = '';
  /** Inside a line too long to be a key log line: what comes up to its end is not kept. */
  private skipping = false;
  /** The first bytes read last time: a file written again from the start no longer begins with them. */
  private readonly head = Buffer.alloc(HEAD_CHECK);
  private headLen = 0;
  private readonly summary: SecretSourceSummary;

  constructor(
    private readonly secrets: Secrets,
    private readonly path: string,
  ) {
    this.summary = { origin: `keylog:${path}`, added: 0, badLines: 0 };
    secrets.sources.push(this.summary);
  }

  poll(): void {
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch {
      return; // not written yet
    }
    let buf: Buffer;
    let got = 0;
    try {
      const size = fstatSync(fd).size;
      if (size < this.offset || !this.sameHead(fd)) {
        // Truncated or written again: read it from the start (stored secrets are kept, duplicates not counted).
        this.offset = 0;
        this.partial = '';
        this.skipping = false;
        this.headLen = 0;
      }
      if (size === this.offset) return;
      buf = Buffer.allocUnsafe(size - this.offset);
      while (got < buf.length) {
        const n = readSync(fd, buf, got, buf.length - got, this.offset + got);
        if (n === 0) break;
        got += n;
      }
      if (this.headLen < HEAD_CHECK) this.headLen = readSync(fd, this.head, 0, HEAD_CHECK, 0);
    } finally {
      closeSync(fd);
    }
    this.offset += got;
    let text = this.partial + buf.toString('utf8', 0, got);
    if (this.skipping) {
      const nl = text.indexOf('\n');
      if (nl < 0) {
        this.partial = '';
        return;
      }
      text = text.slice(nl + 1);
      this.skipping = false;
    }
    const cut = text.lastIndexOf('\n');
    // A line longer than any key log line is not one: it is not kept (bounded memory), up to its end.
    if (text.length - cut - 1 > MAX_PARTIAL_LINE) {
      this.partial = '';
      this.skipping = true;
    } else this.partial = text.slice(cut + 1);
    if (cut < 0) return;
    const r = this.secrets.store.addText(text.slice(0, cut + 1), this.summary.origin, 0);
    this.summary.added += r.added;
    this.summary.badLines += r.issues.length;
  }

  /** Whether the file still begins with the bytes it began with at the last read. */
  private sameHead(fd: number): boolean {
    if (this.headLen === 0) return true;
    const now = Buffer.alloc(this.headLen);
    const n = readSync(fd, now, 0, this.headLen, 0);
    return n === this.headLen && now.equals(this.head.subarray(0, this.headLen));
  }
}
