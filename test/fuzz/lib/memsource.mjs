/**
 * Capture reader targets: the input as an in-memory ByteSource (the pull interface of
 * src/capture/byte-source.ts, with positioned reads like a plain file) and a FrameSink that checks
 * what the reader delivers: every frame's data is `caplen` bytes and frame numbers count up from
 * 1; every issue has a message and finite frame/offset.
 */
import { BadEvent } from './events.mjs';

/**
 * Node's FileHandle.read aborts the whole process (a native assertion, not an exception) when its
 * offset or length is not a 32-bit integer; the in-memory source refuses the same arguments with
 * an exception, so that such a call is a finding instead of a lenient copy.
 */
function checkArgs(into, offset, length, position) {
  const int32 = (x) => Number.isInteger(x) && x >= 0 && x <= 0x7fffffff;
  if (!int32(offset) || !int32(length) || offset + length > into.length) throw new BadEvent(`read into ${into.length} bytes at ${offset}, length ${length}: not what FileHandle.read accepts`);
  if (position !== undefined && !(Number.isSafeInteger(position) && position >= 0)) throw new BadEvent(`read at position ${position}`);
}

export class MemSource {
  constructor(b) {
    this.b = b;
    this.pos = 0;
  }
  async read(into, offset, length) {
    checkArgs(into, offset, length);
    const n = Math.max(0, Math.min(length, this.b.length - this.pos));
    into.set(this.b.subarray(this.pos, this.pos + n), offset);
    this.pos += n;
    return n;
  }
  async readAt(into, offset, length, position) {
    checkArgs(into, offset, length, position);
    if (position >= this.b.length) return 0;
    const n = Math.max(0, Math.min(length, this.b.length - position));
    into.set(this.b.subarray(position, position + n), offset);
    return n;
  }
  async close() {}
}

/** Window sizes tried (the chunk-split property tests use the same ones). */
export const WINDOWS = [257, 4096, 65536];

export function checkingSink() {
  let last = 0;
  return {
    frames: 0,
    frame(f) {
      this.frames++;
      if (f.data.length !== f.caplen) throw new BadEvent(`frame ${f.index}: data ${f.data.length} bytes, caplen ${f.caplen}`);
      if (!Number.isInteger(f.index) || f.index <= last) throw new BadEvent(`frame number ${f.index} after ${last}`);
      last = f.index;
    },
    issue(i) {
      if (typeof i.message !== 'string') throw new BadEvent('issue without message');
      if (!Number.isFinite(i.frame) || !Number.isFinite(i.offset)) throw new BadEvent(`issue frame ${i.frame} offset ${i.offset}`);
    },
    interface() {},
    secrets(s) {
      if (typeof s.text !== 'string') throw new BadEvent('secrets without text');
    },
  };
}

export function isRdpdiagError(e) {
  return e instanceof Error && e.name === 'RdpdiagError' && typeof e.code === 'string';
}
