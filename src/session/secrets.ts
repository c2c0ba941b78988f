/**
 * TLS secrets from --keylog files and pcapng Decryption Secrets Blocks, matched to
 * connections by client random. Secrets themselves never leave this module.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { readKeyLogLines } from './keylog-file.js';
import type { EmbeddedSecrets } from '../capture/frame.js';
import { createDecryptorFactory } from '../protocols/tls/decrypt/factory.js';
import { SecretStore } from '../protocols/tls/decrypt/keylog.js';
import type { DecryptorFactory } from '../protocols/tls/decrypt/types.js';

export interface SecretSourceSummary {
  origin: string;
  added: number;
  badLines: number;
  /** Number of the first bad line (null when none). */
  firstBadLine?: number | null;
  /** Key log files: lines over MAX_LINE skipped, and whether reading stopped at MAX_TOTAL bytes. */
  overlongLines?: number;
  firstOverlongLine?: number | null;
  stoppedAtLimit?: boolean;
  /** Lines with a valid NSS label that decryption does not need (RSA, EARLY_EXPORTER_SECRET…). */
  ignoredLines?: number;
}

/** Bad lines kept with their reasons per source (all are counted). */
const MAX_ISSUES = 20;

export class Secrets {
  readonly store = new SecretStore();
  readonly factory: DecryptorFactory = createDecryptorFactory(this.store);
  readonly sources: SecretSourceSummary[] = [];

  addKeyLogFile(path: string): SecretSourceSummary {
    const origin = `keylog:${path}`;
    const summary: SecretSourceSummary = { origin, added: 0, badLines: 0, firstBadLine: null, ignoredLines: 0 };
    const read = readKeyLogLines(path, (text, firstLine) => {
      const r = this.store.addText(text, origin, 0, { firstLine, maxIssues: 1 });
      summary.added += r.added;
      summary.badLines += r.badLines;
      if (summary.firstBadLine === null && r.issues.length > 0) summary.firstBadLine = r.issues[0]!.line;
      for (const v of Object.values(r.ignored)) summary.ignoredLines! += v ?? 0;
    });
    summary.overlongLines = read.overlongLines;
    summary.firstOverlongLine = read.firstOverlongLine;
    summary.stoppedAtLimit = read.stoppedAtLimit;
    this.sources.push(summary);
    return summary;
  }

  addEmbedded(s: EmbeddedSecrets): void {
    const origin = `pcapng-dsb:file${s.fileIndex}:frame${s.fromFrame}`;
    const r = this.store.addText(s.text, origin, s.fromFrame, { maxIssues: MAX_ISSUES });
    this.sources.push({ origin, added: r.added, badLines: r.badLines, firstBadLine: r.issues[0]?.line ?? null });
  }

  get size(): number {
    return this.store.size;
  }
}

/** Longer than any NSS key log line (a TLS 1.3 line is under 300 characters). */
const MAX_PARTIAL_LINE = 4096;
/** Bytes compared where reading stopped, to notice a followed key log was written again from scratch. */
const TAIL_CHECK = 64;

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
  /** The last bytes read: a file written again from scratch no longer has them where reading stopped. */
  private readonly tail = Buffer.alloc(TAIL_CHECK);
  private tailLen = 0;
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
      if (size < this.offset || !this.sameTail(fd)) {
        // Truncated or written again: read it from the start (stored secrets are kept, duplicates not counted).
        this.offset = 0;
        this.partial = '';
        this.skipping = false;
        this.tailLen = 0;
      }
      if (size === this.offset) return;
      buf = Buffer.allocUnsafe(size - this.offset);
      while (got < buf.length) {
        const n = readSync(fd, buf, got, buf.length - got, this.offset + got);
        if (n === 0) break;
        got += n;
      }
      // Remember the bytes just before where the next read starts (from what was read, no second read).
      const end = this.offset + got;
      const keep = Math.min(TAIL_CHECK, end);
      if (got >= keep) buf.copy(this.tail, 0, got - keep, got);
      else {
        this.tail.copy(this.tail, 0, this.tailLen - (keep - got), this.tailLen);
        buf.copy(this.tail, keep - got, 0, got);
      }
      this.tailLen = keep;
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
    const r = this.secrets.store.addText(text.slice(0, cut + 1), this.summary.origin, 0, { maxIssues: MAX_ISSUES });
    this.summary.added += r.added;
    this.summary.badLines += r.badLines;
  }

  /** Whether the file still holds, just before where reading stopped, the bytes read there last time. */
  private sameTail(fd: number): boolean {
    if (this.tailLen === 0) return true;
    const now = Buffer.alloc(this.tailLen);
    const n = readSync(fd, now, 0, this.tailLen, this.offset - this.tailLen);
    return n === this.tailLen && now.equals(this.tail.subarray(0, this.tailLen));
  }

}
