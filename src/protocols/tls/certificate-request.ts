/**
 * CertificateRequest (RFC 5246 §7.4.4 for 1.2, RFC 4346 §7.4.4 for ≤ 1.1, RFC 8446 §4.3.2 for 1.3).
 * The server asks the client for a certificate; for RDP this is rare and notable. Cold path.
 */
import { u16be } from '../../core/bytes.js';
import { ExtensionType, readU16List, splitExtensions } from './extensions.js';
import { fail, success, type ParseProblem, type ParseResult } from './problems.js';

export interface CertificateRequest {
  /** ClientCertificateType values (≤ 1.2), e.g. 1 rsa_sign, 64 ecdsa_sign. */
  certificateTypes: number[];
  /** SignatureScheme / SignatureAndHashAlgorithm values (1.2, 1.3). */
  signatureAlgorithms: number[];
  /** Number of acceptable CA distinguished names. */
  authorityCount: number;
  /** TLS 1.3: certificate_request_context length and extension types. */
  requestContextLength?: number;
  extensions?: number[];
}

/** Counts DistinguishedName<1..2^16-1> entries in a list ending at `end`; null when malformed. */
function countNames(b: Uint8Array, o: number, end: number): number | null {
  let n = 0;
  let p = o;
  while (p < end) {
    if (p + 2 > end) return null;
    const l = u16be(b, p);
    if (p + 2 + l > end) return null;
    p += 2 + l;
    n++;
  }
  return n;
}

/**
 * `version` is the negotiated version: 0x0303 parses the signature algorithm list,
 * TLS 1.3 (`tls13`) the extension layout.
 */
export function parseCertificateRequest(body: Uint8Array, version: number, tls13: boolean): ParseResult<CertificateRequest> {
  const end = body.length;
  const problems: ParseProblem[] = [];
  if (tls13) {
    if (end < 1) return fail(0, 'CertificateRequest truncated');
    const ctx = body[0]!;
    const p = 1 + ctx;
    const req: CertificateRequest = { certificateTypes: [], signatureAlgorithms: [], authorityCount: 0, requestContextLength: ctx, extensions: [] };
    const exts = splitExtensions(body, p, end, problems);
    for (const x of exts) {
      req.extensions!.push(x.type);
      if (x.type === ExtensionType.signatureAlgorithms) {
        const v = readU16List(body, x.start, x.start + x.length, 2);
        if (v === null) problems.push({ offset: x.start, message: 'malformed signature_algorithms in CertificateRequest' });
        else req.signatureAlgorithms = v;
      } else if (x.type === ExtensionType.certificateAuthorities) {
        const e = x.start + x.length;
        const n = x.length >= 2 && x.start + 2 + u16be(body, x.start) === e ? countNames(body, x.start + 2, e) : null;
        if (n === null) problems.push({ offset: x.start, message: 'malformed certificate_authorities in CertificateRequest' });
        else req.authorityCount = n;
      }
    }
    return success(req, problems);
  }
  if (end < 1) return fail(0, 'CertificateRequest truncated');
  const typesLen = body[0]!;
  let p = 1 + typesLen;
  if (p > end) return fail(0, 'CertificateRequest certificate_types run past the message');
  const certificateTypes = Array.from(body.subarray(1, p));
  let signatureAlgorithms: number[] = [];
  if (version >= 0x0303) {
    if (p + 2 > end) return fail(p, 'CertificateRequest truncated before supported_signature_algorithms');
    const l = u16be(body, p);
    const v = readU16List(body, p, p + 2 + l, 2);
    if (p + 2 + l > end || v === null) return fail(p, 'CertificateRequest supported_signature_algorithms malformed');
    signatureAlgorithms = v;
    p += 2 + l;
  }
  if (p + 2 > end) return fail(p, 'CertificateRequest truncated before certificate_authorities');
  const caLen = u16be(body, p);
  if (p + 2 + caLen > end) return fail(p, 'CertificateRequest certificate_authorities run past the message');
  const n = countNames(body, p + 2, p + 2 + caLen);
  if (n === null) return fail(p, 'CertificateRequest certificate_authorities malformed');
  if (p + 2 + caLen !== end) problems.push({ offset: p + 2 + caLen, message: 'bytes after CertificateRequest' });
  return success({ certificateTypes, signatureAlgorithms, authorityCount: n }, problems);
}
