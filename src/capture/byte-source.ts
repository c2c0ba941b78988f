/**
 * Where capture bytes come from: a file (read with positioned reads), a gzip stream,
 * or standard input. All expose the same pull interface used by the record readers.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { ErrorCode, RdpdiagError } from '../core/errors.js';

export interface ByteSource {
  /** Reads up to `length` bytes into `into` at `offset`; 0 means end of data. */
  read(into: Uint8Array, offset: number, length: number): Promise<number>;
  /**
   * Positioned read at absolute `position` (plain files only; streams leave it undefined).
   * Does not move the sequential position used by `read`.
   */
  readAt?(into: Uint8Array, offset: number, length: number, position: number): Promise<number>;
  close(): Promise<void>;
}

class FileByteSource implements ByteSource {
  private pos = 0;
  constructor(private readonly fh: FileHandle) {}
  async read(into: Uint8Array, offset: number, length: number): Promise<number> {
    const { bytesRead } = await this.fh.read(into, offset, length, this.pos);
    this.pos += bytesRead;
    return bytesRead;
  }
  async readAt(into: Uint8Array, offset: number, length: number, position: number): Promise<number> {
    const { bytesRead } = await this.fh.read(into, offset, length, position);
    return bytesRead;
  }
  async close(): Promise<void> {
    await this.fh.close();
  }
}

/** Adapts a Node Readable (gunzip, stdin) to pull reads without buffering it whole. */
class StreamByteSource implements ByteSource {
  private readonly iter: AsyncIterator<Buffer>;
  private pending: Buffer | null = null;
  private done = false;
  constructor(private readonly stream: Readable) {
    this.iter = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }
  async read(into: Uint8Array, offset: number, length: number): Promise<number> {
    if (!this.pending || this.pending.length === 0) {
      if (this.done) return 0;
      const r = await this.iter.next();
      if (r.done) {
        this.done = true;
        return 0;
      }
      this.pending = r.value;
    }
    const p = this.pending!;
    const n = Math.min(length, p.length);
    into.set(p.subarray(0, n), offset);
    this.pending = n < p.length ? p.subarray(n) : null;
    return n;
  }
  async close(): Promise<void> {
    this.stream.destroy();
  }
}

const GZIP_MAGIC0 = 0x1f;
const GZIP_MAGIC1 = 0x8b;

/**
 * Opens a capture path ('-' for standard input), transparently decompressing gzip
 * (detected by its magic bytes, not by the file name).
 */
export async function openByteSource(path: string): Promise<{ source: ByteSource; gzip: boolean }> {
  if (path === '-') {
    const stdin = process.stdin;
    const peek = await peekStream(stdin);
    if (peek.gzip) return { source: new StreamByteSource(peek.stream.pipe(createGunzip())), gzip: true };
    return { source: new StreamByteSource(peek.stream), gzip: false };
  }
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new RdpdiagError(ErrorCode.FILE_NOT_FOUND, `${path}: no such file`, path);
    throw new RdpdiagError(ErrorCode.FILE_UNREADABLE, `${path}: cannot open (${err.code ?? err.message})`, path);
  }
  const head = new Uint8Array(2);
  let n = 0;
  try {
    n = (await fh.read(head, 0, 2, 0)).bytesRead;
  } catch (e) {
    await fh.close();
    const err = e as NodeJS.ErrnoException;
    throw new RdpdiagError(ErrorCode.FILE_UNREADABLE, `${path}: cannot read (${err.code ?? err.message})`, path);
  }
  if (n === 2 && head[0] === GZIP_MAGIC0 && head[1] === GZIP_MAGIC1) {
    await fh.close();
    const gunzip = createGunzip();
    const stream = createReadStream(path).pipe(gunzip);
    return { source: new StreamByteSource(stream), gzip: true };
  }
  return { source: new FileByteSource(fh), gzip: false };
}

async function peekStream(stream: Readable): Promise<{ stream: Readable; gzip: boolean }> {
  // Read the first chunk, then put it back so the reader sees the whole stream.
  const first: Buffer | null = await new Promise((resolve) => {
    const onReadable = () => {
      const c = stream.read() as Buffer | null;
      if (c !== null) {
        cleanup();
        resolve(c);
      }
    };
    const onEnd = () => {
      cleanup();
      resolve(null);
    };
    const cleanup = () => {
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
    };
    stream.on('readable', onReadable);
    stream.on('end', onEnd);
  });
  if (first) stream.unshift(first);
  const gzip = !!first && first.length >= 2 && first[0] === GZIP_MAGIC0 && first[1] === GZIP_MAGIC1;
  return { stream, gzip };
}
