/** mulberry32: a small deterministic PRNG (32-bit state); the same seed gives the same run. */
export class Prng {
  constructor(seed) {
    this.s = seed >>> 0;
  }
  /** Uniform 32-bit unsigned integer. */
  u32() {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** Integer in [0, n). */
  below(n) {
    return n <= 0 ? 0 : this.u32() % n;
  }
  chance(p) {
    return this.u32() / 4294967296 < p;
  }
  pick(a) {
    return a[this.below(a.length)];
  }
}
