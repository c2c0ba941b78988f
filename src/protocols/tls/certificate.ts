/**
 * Certificate handshake message: TLS <= 1.2 (RFC 5246 §7.4.2) and TLS 1.3 (RFC 8446 §4.4.2,
 * with a request context and per-entry extensions). Each DER certificate is described with
 * node:crypto X509Certificate. Cold path (once or twice per connection).
 */
import { createHash, X509Certificate } from 'node:crypto';
import { u16be, u24be } from '../../core/bytes.js';
import { fail, success, type ParseProblem, type ParseResult } from './problems.js';

export interface CertificateInfo {
  derLength: number;
  /** Distinguished name as "C=US, O=…, CN=…" (DER order); '' when unparsable. */
  subject: string;
  issuer: string;
  /** The most specific (last) CN of the subject, when present. */
  subjectCN?: string;
  /** ISO 8601 UTC; the raw OpenSSL text if it does not parse as a date. */
  notBefore: string;
  notAfter: string;
  /** 'rsa', 'rsa-pss', 'ec', 'dsa', 'ed25519', 'ed448', … or 'unknown'. */
  keyType: string;
  /** Modulus length (RSA/DSA) or curve size (EC/EdDSA). */
  keyBits?: number;
  namedCurve?: string;
  /** Subject equals issuer and the signature verifies with the certificate's own key. */
  selfSigned: boolean;
  /** subjectAltName entries, e.g. ["DNS:host.example", "IP Address:10.0.0.1"]. */
  san?: string[];
  /** Upper-case hex, as node prints it. */
  serial: string;
  /** SHA-256 fingerprint, colon-separated upper-case hex (what Windows and browsers show). */
  fingerprint256: string;
  isCA: boolean;
  /** Set when the DER could not be parsed; the other fields are then empty. */
  parseError?: string;
}

export interface CertificateEntry {
  info: CertificateInfo;
  /** TLS 1.3 only: extension types of the entry (e.g. 5 status_request, 18 SCT). */
  extensions?: number[];
}

export interface CertificateMessage {
  /** TLS 1.3 certificate_request_context length (0 for a server). */
  requestContextLength?: number;
  entries: CertificateEntry[];
}

const CURVE_BITS: Record<string, number> = {
  prime256v1: 256,
  'P-256': 256,
  secp256k1: 256,
  secp384r1: 384,
  'P-384': 384,
  secp521r1: 521,
  'P-521': 521,
  prime192v1: 192,
  secp224r1: 224,
  brainpoolP256r1: 256,
  brainpoolP384r1: 384,
  brainpoolP512r1: 512,
};

function isoDate(s: string): string {
  const t = Date.parse(s);
  return Number.isFinite(t) ? new Date(t).toISOString() : s;
}

/** Splits node's subjectAltName text ("DNS:a, DNS:b") honouring its "quoted" entries. */
function splitSan(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '"' && s[i - 1] !== '\\') quoted = !quoted;
    if (!quoted && c === ',' && s[i + 1] === ' ') {
      out.push(cur);
      cur = '';
      i++;
      continue;
    }
    cur += c;
  }
  if (cur !== '') out.push(cur);
  return out;
}

/** The most specific (last) CN of a distinguished name, as RFC 6125 §6.4.4 and Wireshark take it. */
function lastCN(dn: string): string | undefined {
  let cn: string | undefined;
  for (const line of dn.split('\n')) {
    for (const part of line.split('+')) if (part.startsWith('CN=')) cn = part.slice(3);
  }
  return cn;
}

/** Describes one DER certificate; never throws (parse failures are reported in parseError). */
/**
 * The same server sends the same certificate on every connection: parsing it (and checking
 * its self-signature) costs ~0.5 ms, so results are cached by a hash of the DER bytes.
 */
const CERT_CACHE_MAX = 256;
const certCache = new Map<string, CertificateInfo>();

export function describeCertificate(der: Uint8Array): CertificateInfo {
  const key = createHash('sha1').update(der).digest('base64');
  const hit = certCache.get(key);
  if (hit) return hit;
  const info = Object.freeze(describeCertificateUncached(der)) as CertificateInfo;
  if (certCache.size >= CERT_CACHE_MAX) certCache.delete(certCache.keys().next().value as string);
  certCache.set(key, info);
  return info;
}

function describeCertificateUncached(der: Uint8Array): CertificateInfo {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(Buffer.from(der.buffer, der.byteOffset, der.byteLength));
  } catch (e) {
    return {
      derLength: der.length,
      subject: '',
      issuer: '',
      notBefore: '',
      notAfter: '',
      keyType: 'unknown',
      selfSigned: false,
      serial: '',
      fingerprint256: '',
      isCA: false,
      parseError: e instanceof Error ? e.message : String(e),
    };
  }
  const info: CertificateInfo = {
    derLength: der.length,
    subject: cert.subject.split('\n').join(', '),
    issuer: cert.issuer.split('\n').join(', '),
    notBefore: isoDate(cert.validFrom),
    notAfter: isoDate(cert.validTo),
    keyType: 'unknown',
    selfSigned: false,
    serial: cert.serialNumber,
    fingerprint256: cert.fingerprint256,
    isCA: cert.ca,
  };
  const cn = lastCN(cert.subject);
  if (cn !== undefined) info.subjectCN = cn;
  try {
    const key = cert.publicKey;
    info.keyType = key.asymmetricKeyType ?? 'unknown';
    const d = key.asymmetricKeyDetails;
    if (d?.modulusLength !== undefined) info.keyBits = d.modulusLength;
    if (d?.namedCurve !== undefined) {
      info.namedCurve = d.namedCurve;
      const bits = CURVE_BITS[d.namedCurve];
      if (bits !== undefined) info.keyBits = bits;
    }
    if (info.keyType === 'ed25519' || info.keyType === 'x25519') info.keyBits = 256;
    if (info.keyType === 'ed448') info.keyBits = 456;
    if (info.keyType === 'x448') info.keyBits = 448;
    if (cert.subject === cert.issuer) {
      try {
        info.selfSigned = cert.verify(key);
      } catch {
        info.selfSigned = false;
      }
    }
  } catch {
    // Unsupported public key algorithm: keep keyType 'unknown'.
  }
  const san = cert.subjectAltName;
  if (san) info.san = splitSan(san);
  return info;
}

/**
 * Parses a Certificate message body. `tls13` selects the RFC 8446 layout.
 * Unparsable certificates are kept (with parseError) and reported as problems.
 */
export function parseCertificate(body: Uint8Array, tls13: boolean): ParseResult<CertificateMessage> {
  const end = body.length;
  let p = 0;
  const msg: CertificateMessage = { entries: [] };
  const problems: ParseProblem[] = [];
  if (tls13) {
    if (end < 1) return fail(0, 'Certificate truncated before certificate_request_context');
    const ctx = body[0]!;
    msg.requestContextLength = ctx;
    p = 1 + ctx;
  }
  if (p + 3 > end) return fail(p, 'Certificate truncated before certificate_list');
  const listLen = u24be(body, p);
  const listEnd = p + 3 + listLen;
  if (listEnd > end) return fail(p, `certificate_list length ${listLen} runs past the message`);
  if (listEnd !== end) problems.push({ offset: listEnd, message: `${end - listEnd} byte(s) after certificate_list` });
  p += 3;
  while (p < listEnd) {
    if (p + 3 > listEnd) return fail(p, 'certificate entry truncated');
    const len = u24be(body, p);
    if (p + 3 + len > listEnd) return fail(p, `certificate length ${len} runs past certificate_list`);
    const der = body.subarray(p + 3, p + 3 + len);
    const entry: CertificateEntry = { info: describeCertificate(der) };
    if (entry.info.parseError !== undefined) {
      problems.push({ offset: p + 3, message: `certificate ${msg.entries.length + 1} is not parsable DER X.509: ${entry.info.parseError}` });
    }
    p += 3 + len;
    if (tls13) {
      if (p + 2 > listEnd) return fail(p, 'certificate entry extensions truncated');
      const extLen = u16be(body, p);
      const extEnd = p + 2 + extLen;
      if (extEnd > listEnd) return fail(p, 'certificate entry extensions run past certificate_list');
      const types: number[] = [];
      let q = p + 2;
      while (q + 4 <= extEnd) {
        types.push(u16be(body, q));
        q += 4 + u16be(body, q + 2);
      }
      if (q !== extEnd) problems.push({ offset: p, message: 'malformed certificate entry extensions' });
      entry.extensions = types;
      p = extEnd;
    }
    msg.entries.push(entry);
  }
  return success(msg, problems);
}
