/**
 * Short readable names for protocol versions and record content types (tests and messages).
 * Alert descriptions and cipher suite names live in src/codes.
 */
export const TlsVersion = {
  ssl2: 0x0002,
  ssl3: 0x0300,
  tls10: 0x0301,
  tls11: 0x0302,
  tls12: 0x0303,
  tls13: 0x0304,
} as const;

const VERSION_NAMES: Readonly<Record<number, string>> = {
  0x0002: 'SSLv2',
  0x0300: 'SSLv3',
  0x0301: 'TLSv1.0',
  0x0302: 'TLSv1.1',
  0x0303: 'TLSv1.2',
  0x0304: 'TLSv1.3',
};

/** 'TLSv1.2', 'TLSv1.3-draft23', or 'version-0x1234' for unknown values. */
export function versionName(v: number): string {
  const n = VERSION_NAMES[v];
  if (n !== undefined) return n;
  if (v >> 8 === 0x7f) return `TLSv1.3-draft${v & 0xff}`;
  return `version-0x${v.toString(16).padStart(4, '0')}`;
}

const CONTENT_TYPE_NAMES: Readonly<Record<number, string>> = {
  20: 'change_cipher_spec',
  21: 'alert',
  22: 'handshake',
  23: 'application_data',
  24: 'heartbeat',
};

export function contentTypeName(t: number): string {
  return CONTENT_TYPE_NAMES[t] ?? `content_type-${t}`;
}
