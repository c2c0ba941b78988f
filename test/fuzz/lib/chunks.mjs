/**
 * How a stream-decoder target reads one fuzz input: a sequence of chunks, each
 *   flags (1 byte: bit 0 direction, bit 1 gap, bit 2 end of direction), length (u16 BE), data.
 * A gap chunk has no data (its length is the gap size). Parsing is lenient: a length past the
 * end takes what is left, so every byte string is a valid input. Seeds are built in this
 * format from reassembled streams (the chunk boundaries are the capture's segments).
 */
export const F_DIR = 1;
export const F_GAP = 2;
export const F_END = 4;

export function* chunks(b) {
  let o = 0;
  while (o < b.length) {
    const flags = b[o];
    const len = o + 2 < b.length ? (b[o + 1] << 8) | b[o + 2] : 0;
    o += 3;
    const dir = flags & F_DIR;
    if (flags & F_GAP) {
      yield { dir, kind: 'gap', length: len, data: null };
      continue;
    }
    if (flags & F_END) {
      yield { dir, kind: 'end', length: 0, data: null };
      continue;
    }
    const end = Math.min(b.length, o + len);
    yield { dir, kind: 'data', length: end - o, data: b.subarray(Math.min(o, b.length), end) };
    o = end;
  }
}

export function encodeChunk(dir, data) {
  const out = [];
  for (let o = 0; o < data.length || (o === 0 && data.length === 0); o += 0xffff) {
    const part = data.subarray(o, o + 0xffff);
    const c = new Uint8Array(3 + part.length);
    c[0] = dir & 1;
    c[1] = part.length >> 8;
    c[2] = part.length & 0xff;
    c.set(part, 3);
    out.push(c);
    if (data.length === 0) break;
  }
  return out;
}

export function encodeGap(dir, length) {
  return Uint8Array.of((dir & 1) | F_GAP, (Math.min(length, 0xffff) >> 8) & 0xff, Math.min(length, 0xffff) & 0xff);
}

/**
 * Drives a StreamDecoder with the chunks of `b`: frame numbers and capture times advance per
 * chunk; both directions are ended at the end.
 */
export function driveStream(decoder, b) {
  let frame = 1;
  let ts = 1_700_000_000;
  const ended = [false, false];
  for (const c of chunks(b)) {
    const info = { frame: frame++, ts: (ts += 0.001) };
    if (ended[c.dir]) continue;
    if (c.kind === 'gap') decoder.gap(c.dir, Math.max(1, c.length), info);
    else if (c.kind === 'end') {
      ended[c.dir] = true;
      decoder.end(c.dir, info);
    } else if (c.data.length > 0) decoder.push(c.dir, c.data, info);
  }
  const info = { frame, ts: ts + 0.001 };
  for (const d of [0, 1]) if (!ended[d]) decoder.end(d, info);
}

/** Each data chunk of `b` as one datagram of its direction. */
export function driveDatagrams(decoder, b) {
  let frame = 1;
  let ts = 1_700_000_000;
  for (const c of chunks(b)) {
    const info = { frame: frame++, ts: (ts += 0.001) };
    if (c.kind === 'data') decoder.datagram(c.dir, c.data, info);
  }
}
