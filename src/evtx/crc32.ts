/**
 * CRC-32 (IEEE 802.3 polynomial, reflected, as zlib computes it): the checksum of the EVTX file
 * header, of each chunk header and of each chunk's records.
 */
const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** Continues a CRC over `b[start, end)`; pass the result of a previous call as `crc` to chain ranges. */
export function crc32(b: Uint8Array, start = 0, end = b.length, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = start; i < end; i++) c = TABLE[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
