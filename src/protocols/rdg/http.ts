/**
 * Incremental HTTP/1.1 message parser for ONE direction of a connection (RFC 9112 framing):
 * request line or status line, header fields (bounded), then a body delimited by
 * Content-Length, chunked transfer coding, or the end of the connection.
 *
 * It is chunk-split invariant: heads are buffered (bounded by MAX_HTTP_HEAD) and reported
 * whole; body bytes are passed on as views of the pushed data (no copy) in whatever pieces
 * they arrive. Malformed input is reported through `onError` and the parser stops
 * (`failed`); it never throws.
 *
 * The owner decides what a body means (MS-TSGU stream, KDC proxy message, HTML error page)
 * and can divert every later byte to `onBody` with `enterRaw()` (after `101 Switching
 * Protocols`, or for the open-ended body of a gateway channel).
 */
import { latin1 } from '../../core/bytes.js';
import type { ChunkInfo } from '../stream.js';

/** Largest request/status line plus header block accepted (Negotiate tokens reach ~20 KB). */
export const MAX_HTTP_HEAD = 64 * 1024;
const MAX_CHUNK_LINE = 1024;

export interface HttpHead {
  readonly kind: 'request' | 'response';
  /** Request method ('' for responses). */
  readonly method: string;
  /** Request target as sent ('' for responses). */
  readonly target: string;
  /** 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0' (preface)… */
  readonly version: string;
  /** Status code (0 for requests). */
  readonly status: number;
  readonly reason: string;
  /** Header fields in order, names lower-cased, values trimmed. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** Byte offset of the head in this direction's stream. */
  readonly offset: number;
  /** Frame in which the head started. */
  readonly firstFrame: number;
}

/** How the body after a head is delimited. `raw`: every later byte, for good. */
export type HttpBodyMode = 'none' | 'length' | 'chunked' | 'raw';

export interface HttpParserHandler {
  /** A complete head. Return a body mode to override the default framing. */
  onHead(head: HttpHead, info: ChunkInfo): HttpBodyMode | void;
  /** Body bytes (de-chunked); a view valid only during the call. */
  onBody(data: Uint8Array, info: ChunkInfo): void;
  /** The body (if any) of the current message is complete. */
  onMessageEnd(info: ChunkInfo): void;
  /** Malformed input; the parser has stopped. */
  onError(offset: number, message: string, info: ChunkInfo): void;
}

/** First value of a header (name lower-case). */
export function headerValue(head: HttpHead, name: string): string | undefined {
  for (const [n, v] of head.headers) if (n === name) return v;
  return undefined;
}

/** All values of a header, in order. */
export function headerValues(head: HttpHead, name: string): string[] {
  const out: string[] = [];
  for (const [n, v] of head.headers) if (n === name) out.push(v);
  return out;
}

/** Comma-separated tokens of all occurrences of a header, lower-cased (Connection, Transfer-Encoding). */
export function headerTokens(head: HttpHead, name: string): string[] {
  const out: string[] = [];
  for (const v of headerValues(head, name)) {
    for (const t of v.split(',')) {
      const s = t.trim().toLowerCase();
      if (s) out.push(s);
    }
  }
  return out;
}

/** Content-Length as a number; undefined when absent; NaN when invalid or conflicting. */
export function contentLengthOf(head: HttpHead): number | undefined {
  const vals = headerValues(head, 'content-length');
  if (vals.length === 0) return undefined;
  let n: number | undefined;
  for (const v of vals) {
    for (const part of v.split(',')) {
      const s = part.trim();
      if (!/^[0-9]{1,16}$/.test(s)) return NaN;
      const x = Number(s);
      if (n !== undefined && n !== x) return NaN;
      n = x;
    }
  }
  return n;
}

/** True when the last transfer coding is `chunked`. */
export function isChunked(head: HttpHead): boolean {
  const t = headerTokens(head, 'transfer-encoding');
  return t.length > 0 && t[t.length - 1] === 'chunked';
}

/** Default body framing (RFC 9112 §6.3) for a head, given the method of the request it answers. */
export function defaultBodyMode(head: HttpHead, requestMethod?: string): HttpBodyMode {
  if (head.kind === 'response') {
    const s = head.status;
    if ((s >= 100 && s < 200) || s === 204 || s === 304 || requestMethod === 'HEAD') return 'none';
    if (isChunked(head)) return 'chunked';
    const cl = contentLengthOf(head);
    if (cl !== undefined) return 'length';
    return 'raw';
  }
  if (isChunked(head)) return 'chunked';
  const cl = contentLengthOf(head);
  // An invalid Content-Length gives 'length' so that the parser reports it.
  return cl !== undefined && (cl > 0 || Number.isNaN(cl)) ? 'length' : 'none';
}

const enum St {
  Head,
  Length,
  ChunkSize,
  ChunkData,
  ChunkDataCrlf,
  Trailer,
  Raw,
  Failed,
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export class HttpParser {
  private st = St.Head;
  private head = new Uint8Array(1024);
  private headLen = 0;
  private headStartFrame = 0;
  private headStartOffset = 0;
  /** Bytes of this direction consumed so far. */
  private pos = 0;
  private remaining = 0;
  private line = '';
  private trailerLineLen = 0;
  private forcedRaw = false;

  constructor(private readonly handler: HttpParserHandler) {}

  get failed(): boolean {
    return this.st === St.Failed;
  }
  get raw(): boolean {
    return this.st === St.Raw;
  }
  /** True when in the middle of a head or a delimited body. */
  get midMessage(): boolean {
    return (this.st === St.Head && this.headLen > 0) || (this.st !== St.Head && this.st !== St.Raw && this.st !== St.Failed);
  }
  /** Stream offset of the next byte. */
  get offset(): number {
    return this.pos;
  }

  /** From now on every byte is body (`onBody`), without HTTP framing. */
  enterRaw(): void {
    if (this.st === St.Failed) return;
    this.forcedRaw = true;
  }

  /** Stop parsing (the owner gave up on this direction). */
  stop(): void {
    this.st = St.Failed;
  }

  push(data: Uint8Array, info: ChunkInfo): void {
    let i = 0;
    const n = data.length;
    while (i < n) {
      if (this.forcedRaw && this.st !== St.Failed) {
        this.forcedRaw = false;
        this.st = St.Raw;
      }
      switch (this.st) {
        case St.Failed:
          this.pos += n - i;
          return;
        case St.Raw: {
          const v = i === 0 ? data : data.subarray(i);
          this.pos += n - i;
          i = n;
          this.handler.onBody(v, info);
          break;
        }
        case St.Head:
          i = this.pushHead(data, i, info);
          break;
        case St.Length: {
          const take = Math.min(this.remaining, n - i);
          const v = data.subarray(i, i + take);
          i += take;
          this.pos += take;
          this.remaining -= take;
          this.handler.onBody(v, info);
          if (this.remaining === 0) this.endMessage(info);
          break;
        }
        case St.ChunkSize:
          i = this.pushChunkLine(data, i, info);
          break;
        case St.ChunkData: {
          const take = Math.min(this.remaining, n - i);
          const v = data.subarray(i, i + take);
          i += take;
          this.pos += take;
          this.remaining -= take;
          if (take > 0) this.handler.onBody(v, info);
          if (this.remaining === 0) {
            this.st = St.ChunkDataCrlf;
            this.line = '';
          }
          break;
        }
        case St.ChunkDataCrlf: {
          const c = data[i]!;
          i++;
          this.pos++;
          if (c === 0x0a) {
            if (this.line !== '' && this.line !== '\r') return this.fail(this.pos - 1, 'chunk data not followed by CRLF', info);
            this.st = St.ChunkSize;
            this.line = '';
          } else if (c === 0x0d && this.line === '') {
            this.line = '\r';
          } else {
            return this.fail(this.pos - 1, 'chunk data not followed by CRLF', info);
          }
          break;
        }
        case St.Trailer:
          i = this.pushTrailer(data, i, info);
          break;
      }
    }
    if (this.forcedRaw && this.st !== St.Failed) {
      this.forcedRaw = false;
      this.st = St.Raw;
    }
  }

  /** End of the direction: a 'raw'-delimited body ends here; a cut message is reported. */
  end(info: ChunkInfo): void {
    if (this.st === St.Raw) {
      this.st = St.Failed;
      this.handler.onMessageEnd(info);
      return;
    }
    if (this.midMessage) {
      const where = this.st === St.Head ? 'head' : 'body';
      this.handler.onError(this.pos, `HTTP message ${where} cut short by the end of the stream`, info);
    }
    this.st = St.Failed;
  }

  private fail(offset: number, message: string, info: ChunkInfo): void {
    this.st = St.Failed;
    this.handler.onError(offset, message, info);
  }

  private pushHead(data: Uint8Array, i: number, info: ChunkInfo): number {
    const n = data.length;
    while (i < n) {
      const c = data[i]!;
      // Leading empty lines before a start line are ignored (RFC 9112 §2.2).
      if (this.headLen === 0 && (c === 0x0d || c === 0x0a)) {
        i++;
        this.pos++;
        continue;
      }
      if (this.headLen === 0) {
        this.headStartFrame = info.frame;
        this.headStartOffset = this.pos;
      }
      if (c < 0x20 && c !== 0x0d && c !== 0x0a && c !== 0x09) {
        this.fail(this.pos, `byte 0x${c.toString(16).padStart(2, '0')} in an HTTP head: not HTTP/1.x`, info);
        return n;
      }
      if (this.headLen >= MAX_HTTP_HEAD) {
        this.fail(this.headStartOffset, `HTTP head longer than ${MAX_HTTP_HEAD} bytes`, info);
        return n;
      }
      if (this.headLen === this.head.length) {
        const bigger = new Uint8Array(Math.min(this.head.length * 2, MAX_HTTP_HEAD));
        bigger.set(this.head);
        this.head = bigger;
      }
      this.head[this.headLen++] = c;
      i++;
      this.pos++;
      if (c === 0x0a && this.headComplete()) {
        this.finishHead(info);
        return i;
      }
    }
    return i;
  }

  private headComplete(): boolean {
    const b = this.head;
    const l = this.headLen;
    if (l >= 2 && b[l - 2] === 0x0a) return true; // \n\n
    return l >= 3 && b[l - 2] === 0x0d && b[l - 3] === 0x0a; // \n\r\n
  }

  private finishHead(info: ChunkInfo): void {
    const text = latin1(this.head, 0, this.headLen);
    this.headLen = 0;
    const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
    const start = lines[0] ?? '';
    let head: HttpHead | null = null;
    const headers: Array<[string, string]> = [];
    for (let k = 1; k < lines.length; k++) {
      const l = lines[k]!;
      if (l === '') break;
      if ((l.startsWith(' ') || l.startsWith('\t')) && headers.length > 0) {
        const last = headers[headers.length - 1]!;
        last[1] = `${last[1]} ${l.trim()}`;
        continue;
      }
      const colon = l.indexOf(':');
      const name = colon > 0 ? l.slice(0, colon) : '';
      if (!TOKEN.test(name)) return this.fail(this.headStartOffset, 'malformed HTTP header line', info);
      headers.push([name.toLowerCase(), l.slice(colon + 1).trim()]);
    }
    if (start.startsWith('HTTP/')) {
      const m = /^(HTTP\/\d\.\d) (\d{3})(?: (.*))?$/.exec(start);
      if (m) {
        head = {
          kind: 'response',
          method: '',
          target: '',
          version: m[1]!,
          status: Number(m[2]),
          reason: m[3] ?? '',
          headers,
          offset: this.headStartOffset,
          firstFrame: this.headStartFrame,
        };
      }
    } else {
      const m = /^(\S+) (\S+) (HTTP\/\d\.\d)$/.exec(start);
      if (m && TOKEN.test(m[1]!)) {
        head = {
          kind: 'request',
          method: m[1]!,
          target: m[2]!,
          version: m[3]!,
          status: 0,
          reason: '',
          headers,
          offset: this.headStartOffset,
          firstFrame: this.headStartFrame,
        };
      }
    }
    if (!head) return this.fail(this.headStartOffset, 'malformed HTTP start line', info);
    const override = this.handler.onHead(head, info);
    if (this.st === St.Failed) return;
    const mode = override ?? defaultBodyMode(head);
    this.beginBody(head, mode, info);
  }

  private beginBody(head: HttpHead, mode: HttpBodyMode, info: ChunkInfo): void {
    switch (mode) {
      case 'none':
        this.endMessage(info);
        return;
      case 'raw':
        this.st = St.Raw;
        return;
      case 'chunked':
        this.st = St.ChunkSize;
        this.line = '';
        return;
      case 'length': {
        const cl = contentLengthOf(head);
        if (cl === undefined || Number.isNaN(cl)) return this.fail(head.offset, 'invalid Content-Length', info);
        if (cl === 0) return this.endMessage(info);
        this.remaining = cl;
        this.st = St.Length;
        return;
      }
    }
  }

  private endMessage(info: ChunkInfo): void {
    this.st = St.Head;
    this.headLen = 0;
    this.handler.onMessageEnd(info);
  }

  private pushChunkLine(data: Uint8Array, i: number, info: ChunkInfo): number {
    const n = data.length;
    while (i < n) {
      const c = data[i]!;
      i++;
      this.pos++;
      if (c === 0x0a) {
        const l = this.line.endsWith('\r') ? this.line.slice(0, -1) : this.line;
        this.line = '';
        const semi = l.indexOf(';');
        const hex = (semi >= 0 ? l.slice(0, semi) : l).trim();
        if (!/^[0-9a-fA-F]{1,13}$/.test(hex)) {
          this.fail(this.pos - 1, 'malformed chunk size line', info);
          return n;
        }
        const size = parseInt(hex, 16);
        if (size === 0) {
          this.st = St.Trailer;
          this.trailerLineLen = 0;
        } else {
          this.remaining = size;
          this.st = St.ChunkData;
        }
        return i;
      }
      if (this.line.length >= MAX_CHUNK_LINE) {
        this.fail(this.pos - 1, 'chunk size line too long', info);
        return n;
      }
      this.line += String.fromCharCode(c);
    }
    return i;
  }

  private pushTrailer(data: Uint8Array, i: number, info: ChunkInfo): number {
    const n = data.length;
    while (i < n) {
      const c = data[i]!;
      i++;
      this.pos++;
      if (c === 0x0a) {
        if (this.trailerLineLen === 0) {
          this.endMessage(info);
          return i;
        }
        this.trailerLineLen = 0;
        continue;
      }
      if (c === 0x0d && this.trailerLineLen === 0) continue;
      if (++this.trailerLineLen > MAX_HTTP_HEAD) {
        this.fail(this.pos - 1, 'chunked trailer too long', info);
        return n;
      }
    }
    return i;
  }
}
