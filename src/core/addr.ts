/**
 * Addresses and flow keys. IPv4 addresses are held as unsigned 32-bit numbers on the
 * hot path; IPv6 as 16-byte views. Strings are made only for keys and reports.
 */
export function ipv4ToString(a: number): string {
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}

export function ipv6ToString(b: Uint8Array, off = 0): string {
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((b[off + i]! << 8) | b[off + i + 1]!);
  // IPv4-mapped
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) {
    return `::ffff:${b[off + 12]}.${b[off + 13]}.${b[off + 14]}.${b[off + 15]}`;
  }
  // longest run of zeros (RFC 5952)
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] === 0) {
      let j = i;
      while (j < 8 && words[j] === 0) j++;
      if (j - i > bestLen && j - i > 1) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    } else i++;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestStart < 0) return hex.join(':');
  const left = hex.slice(0, bestStart).join(':');
  const right = hex.slice(bestStart + bestLen).join(':');
  return `${left}::${right}`;
}

export function parseIp(s: string): string {
  return s.trim().toLowerCase();
}
