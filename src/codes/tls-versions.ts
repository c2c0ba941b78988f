/** TLS / SSL / DTLS protocol version values. RFC 8446 / RFC 5246 and 5.4 (RFC 8446, RFC 8701 GREASE). */
import { defineTable, type CodeEntry, type CodeInfo } from './table.js';

const SRC = 'RFC 8446 / RFC 5246, 5.4';
const WS = 'Wireshark version table (tshark 4.0.17 -G values); not in docs/findings';

/** RFC 8701 GREASE values 0x0A0A, 0x1A1A, … 0xFAFA. */
export function isGrease(code: number): boolean {
  return Number.isInteger(code) && (code & 0x0f0f) === 0x0a0a && code >> 8 === (code & 0xff) && code >= 0 && code <= 0xffff;
}

const GREASE_VERSIONS: readonly CodeEntry[] = Array.from({ length: 16 }, (_, i) => ({
  code: (i << 12) | 0x0a00 | (i << 4) | 0x0a,
  name: 'Reserved (GREASE)',
  meaning: 'GREASE placeholder (RFC 8701) that clients add to keep servers tolerant; ignore.',
  verified: true,
  source: 'RFC 8701; Wireshark version table',
}));

export const TLS_VERSIONS = [
  { code: 0x0002, name: 'SSL 2.0', meaning: 'SSL 2.0 (obsolete, insecure).', verified: true, source: WS },
  { code: 0x0300, name: 'SSL 3.0', meaning: 'SSL 3.0 (obsolete, insecure).', verified: true, source: SRC },
  { code: 0x0301, name: 'TLS 1.0', meaning: 'TLS 1.0 (deprecated by RFC 8996; disabled by default in new Windows releases). Also the usual ClientHello record version.', verified: true, source: SRC },
  { code: 0x0302, name: 'TLS 1.1', meaning: 'TLS 1.1 (deprecated by RFC 8996).', verified: true, source: SRC },
  { code: 0x0303, name: 'TLS 1.2', meaning: 'TLS 1.2; also the record version of every TLS 1.3 record after the ClientHello.', verified: true, source: SRC },
  { code: 0x0304, name: 'TLS 1.3', meaning: 'TLS 1.3 (only in supported_versions; legacy fields say 0x0303).', verified: true, source: SRC },
  { code: 0xfeff, name: 'DTLS 1.0', meaning: 'DTLS 1.0 (datagram TLS, e.g. RDP-UDP lossy / gateway UDP).', verified: true, source: WS },
  { code: 0xfefd, name: 'DTLS 1.2', meaning: 'DTLS 1.2.', verified: true, source: WS },
  ...GREASE_VERSIONS,
] as const satisfies readonly CodeEntry[];

export const tlsVersionTable = defineTable({
  id: 'tls-version',
  title: 'TLS version',
  section: '5.1, 5.4',
  entries: TLS_VERSIONS,
  hexDigits: 4,
  radix: 'hex',
  fallbackName: (_c, hex) => `${hex} (unknown)`,
});

export function tlsVersion(code: number): CodeInfo {
  return tlsVersionTable.lookup(code);
}

/** Short display name, e.g. 'TLS 1.2', or '0x7F1C (unknown)'. */
export function tlsVersionName(code: number): string {
  return tlsVersionTable.lookup(code).name;
}
