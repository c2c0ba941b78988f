/**
 * Small long-lived byte copies (IPv6 addresses of connections, a few bytes of scanner state) cut
 * from shared slabs. A `Uint8Array` with its own buffer costs about 1 KB of process memory
 * whatever its length (buffer object, backing-store bookkeeping, malloc); a view into a slab
 * costs only the view. A slab stays alive while any of its views does.
 */
/** Small enough that the few long-lived views left in one (retained connections) pin little. */
const SLAB_SIZE = 4 << 10;

let slab = new Uint8Array(SLAB_SIZE);
let used = 0;

/** A zeroed `length`-byte array (length ≤ 256) that does not own a buffer of its own. */
export function slabAlloc(length: number): Uint8Array {
  if (length > 256) return new Uint8Array(length);
  if (used + length > SLAB_SIZE) {
    slab = new Uint8Array(SLAB_SIZE);
    used = 0;
  }
  const out = slab.subarray(used, used + length);
  used += (length + 7) & ~7;
  return out;
}

/** A copy of `b` cut from a slab (see slabAlloc). */
export function slabCopy(b: Uint8Array): Uint8Array {
  const out = slabAlloc(b.length);
  out.set(b);
  return out;
}
