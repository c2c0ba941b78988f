/**
 * Mutators: bit/byte flips, arithmetic, interesting integers, insert/delete/duplicate ranges,
 * splicing two corpus entries, and length-field-aware overwrites of big-/little-endian u16/u32
 * with boundary values (0, 0xff, 0x7fffffff, the remaining length ± 1 …). Several are stacked per
 * input (AFL "havoc" style). All randomness comes from the Prng given.
 */
const INTERESTING_8 = [0, 1, 0x7f, 0x80, 0xff, 0x10, 0x20, 0x30, 0x40, 0x64];
const INTERESTING_16 = [0, 1, 0x7f, 0x80, 0xff, 0x100, 0x3fff, 0x4000, 0x7fff, 0x8000, 0xfffe, 0xffff];
const INTERESTING_32 = [0, 1, 0x7f, 0x80, 0xff, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 0x01000000];

function put(b, off, width, le, v) {
  for (let i = 0; i < width; i++) {
    const shift = le ? i * 8 : (width - 1 - i) * 8;
    b[off + i] = Number((BigInt(v >>> 0) >> BigInt(shift)) & 0xffn);
  }
}
function get(b, off, width, le) {
  let v = 0;
  for (let i = 0; i < width; i++) v = v * 256 + b[le ? off + width - 1 - i : off + i];
  return v;
}

function lengthBoundary(r, b, off, width) {
  const rest = b.length - off - width;
  const max = width === 1 ? 0xff : width === 2 ? 0xffff : 0xffffffff;
  const cands = [0, 1, max, max - 1, rest, rest - 1, rest + 1, b.length, b.length + 1, b.length - 1];
  if (width === 4) cands.push(0x7fffffff, 0x80000000, 0x40000000);
  if (width >= 2) cands.push(0x7fff, 0x8000);
  return Math.max(0, Math.min(max, r.pick(cands)));
}

/** One mutation of `b` (a fresh array is returned; `b` is not changed). */
function mutateOnce(r, b, other, maxLen) {
  const n = b.length;
  const op = r.below(14);
  switch (op) {
    case 0: {
      if (n === 0) break;
      const c = b.slice();
      const bit = r.below(n * 8);
      c[bit >> 3] ^= 1 << (bit & 7);
      return c;
    }
    case 1: {
      if (n === 0) break;
      const c = b.slice();
      c[r.below(n)] = r.below(256);
      return c;
    }
    case 2: {
      if (n === 0) break;
      const c = b.slice();
      const i = r.below(n);
      c[i] = (c[i] + (r.below(35) + 1) * (r.chance(0.5) ? 1 : -1)) & 0xff;
      return c;
    }
    case 3: {
      if (n === 0) break;
      const c = b.slice();
      c[r.below(n)] = r.pick(INTERESTING_8);
      return c;
    }
    case 4:
    case 5: {
      // Interesting integers and boundary lengths, u16/u32, either byte order.
      const width = op === 4 ? 2 : 4;
      if (n < width) break;
      const c = b.slice();
      const off = r.below(n - width + 1);
      const le = r.chance(0.5);
      const v = r.chance(0.5) ? r.pick(width === 2 ? INTERESTING_16 : INTERESTING_32) : lengthBoundary(r, c, off, width);
      put(c, off, width, le, v);
      return c;
    }
    case 6: {
      // A length field nudged: existing value ± 1..4.
      const width = r.pick([1, 2, 4]);
      if (n < width) break;
      const c = b.slice();
      const off = r.below(n - width + 1);
      const le = r.chance(0.5);
      const max = width === 1 ? 0xff : width === 2 ? 0xffff : 0xffffffff;
      const v = get(c, off, width, le) + (r.below(4) + 1) * (r.chance(0.5) ? 1 : -1);
      put(c, off, width, le, Math.max(0, Math.min(max, v)));
      return c;
    }
    case 7: {
      // Insert random bytes or a run of one byte.
      if (n >= maxLen) break;
      const len = Math.min(maxLen - n, 1 + r.below(r.chance(0.8) ? 8 : 128));
      const at = r.below(n + 1);
      const ins = new Uint8Array(len);
      if (r.chance(0.5)) ins.fill(r.pick(INTERESTING_8));
      else for (let i = 0; i < len; i++) ins[i] = r.below(256);
      return concat(b.subarray(0, at), ins, b.subarray(at));
    }
    case 8: {
      // Delete a range.
      if (n < 2) break;
      const at = r.below(n);
      const len = 1 + r.below(Math.min(n - at, r.chance(0.8) ? 16 : n));
      return concat(b.subarray(0, at), b.subarray(at + len));
    }
    case 9: {
      // Duplicate a range somewhere else.
      if (n === 0 || n >= maxLen) break;
      const from = r.below(n);
      const len = Math.min(maxLen - n, 1 + r.below(Math.min(n - from, 256)));
      const at = r.below(n + 1);
      return concat(b.subarray(0, at), b.subarray(from, from + len), b.subarray(at));
    }
    case 10: {
      // Overwrite a range with a copy of another range.
      if (n < 2) break;
      const c = b.slice();
      const from = r.below(n);
      const to = r.below(n);
      const len = 1 + r.below(Math.min(n - from, n - to, 64));
      c.set(b.subarray(from, from + len), to);
      return c;
    }
    case 11:
    case 12: {
      // Splice with another corpus entry: a prefix of this one and a suffix of the other, or
      // a piece of the other inserted.
      if (!other || other.length === 0) break;
      if (op === 11) {
        const cut = r.below(n + 1);
        const from = r.below(other.length);
        return concat(b.subarray(0, cut), other.subarray(from)).subarray(0, maxLen);
      }
      const from = r.below(other.length);
      const len = 1 + r.below(Math.min(other.length - from, 512));
      const at = r.below(n + 1);
      return concat(b.subarray(0, at), other.subarray(from, from + len), b.subarray(at)).subarray(0, maxLen);
    }
    case 13: {
      // Truncate.
      if (n < 2) break;
      return b.slice(0, r.below(n));
    }
  }
  // Fallback when the chosen mutator does not apply: a random byte appended.
  if (n >= maxLen) return b.slice(0, n - 1);
  return concat(b, Uint8Array.of(r.below(256)));
}

export function concat(...parts) {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A stack of 1..16 mutations (more often few). */
export function mutate(r, b, other, maxLen) {
  let c = b;
  const stack = 1 << r.below(r.chance(0.7) ? 2 : 5);
  for (let i = 0; i < stack; i++) c = mutateOnce(r, c, other, maxLen);
  return c.length > maxLen ? c.slice(0, maxLen) : c;
}
