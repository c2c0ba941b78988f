/** TLS alert descriptions. RFC 8446 / RFC 5246 (RFC 5246 §7.2, RFC 6066 §9, RFC 8446 §6). */
import { defineTable, type CodeEntry, type CodeInfo } from './table.js';

const SRC = 'RFC 8446 / RFC 5246; RFC 5246 §7.2, RFC 6066, RFC 8446 §6';

export const TLS_ALERT_LEVELS = { warning: 1, fatal: 2 } as const;

export const TLS_ALERTS = [
  { code: 0, name: 'close_notify', meaning: 'Orderly close of the TLS connection; not an error.', verified: true, source: SRC },
  { code: 10, name: 'unexpected_message', meaning: 'A message arrived that was not expected at this point.', verified: true, source: SRC },
  { code: 20, name: 'bad_record_mac', meaning: 'A record failed authentication: corruption or interception.', verified: true, source: SRC },
  { code: 21, name: 'decryption_failed', meaning: 'Decryption failed (reserved; not sent by modern stacks).', verified: true, source: SRC },
  { code: 22, name: 'record_overflow', meaning: 'A record was longer than allowed.', verified: true, source: SRC },
  { code: 30, name: 'decompression_failure', meaning: 'Decompression failed (reserved).', verified: true, source: SRC },
  { code: 40, name: 'handshake_failure', meaning: 'No acceptable set of parameters (e.g. no common cipher suite).', verified: true, source: SRC },
  { code: 41, name: 'no_certificate', meaning: 'No certificate (SSL 3.0 only; reserved).', verified: true, source: SRC },
  { code: 42, name: 'bad_certificate', meaning: 'A certificate was corrupt or failed verification (server cert rejected, or client cert bad).', verified: true, source: SRC },
  { code: 43, name: 'unsupported_certificate', meaning: 'The certificate type is not supported.', verified: true, source: SRC },
  { code: 44, name: 'certificate_revoked', meaning: 'The certificate was revoked.', verified: true, source: SRC },
  { code: 45, name: 'certificate_expired', meaning: 'The certificate has expired or is not yet valid.', verified: true, source: SRC },
  { code: 46, name: 'certificate_unknown', meaning: 'The certificate was not accepted for some other reason.', verified: true, source: SRC },
  { code: 47, name: 'illegal_parameter', meaning: 'A handshake field was out of range or inconsistent.', verified: true, source: SRC },
  { code: 48, name: 'unknown_ca', meaning: 'The certificate issuer is not trusted (e.g. an interception CA).', verified: true, source: SRC },
  { code: 49, name: 'access_denied', meaning: 'Access denied by policy after a valid certificate.', verified: true, source: SRC },
  { code: 50, name: 'decode_error', meaning: 'A message could not be decoded.', verified: true, source: SRC },
  { code: 51, name: 'decrypt_error', meaning: 'A handshake cryptographic check failed.', verified: true, source: SRC },
  { code: 60, name: 'export_restriction', meaning: 'Export restriction (reserved).', verified: true, source: SRC },
  { code: 70, name: 'protocol_version', meaning: 'The TLS version offered is not supported by the peer (e.g. server requires TLS 1.2 and client offers at most 1.1).', verified: true, source: SRC },
  { code: 71, name: 'insufficient_security', meaning: 'The peer requires stronger cipher suites than those offered.', verified: true, source: SRC },
  { code: 80, name: 'internal_error', meaning: 'An internal error unrelated to the peer.', verified: true, source: SRC },
  { code: 86, name: 'inappropriate_fallback', meaning: 'A fallback connection was refused (TLS_FALLBACK_SCSV).', verified: true, source: SRC },
  { code: 90, name: 'user_canceled', meaning: 'The handshake was cancelled.', verified: true, source: SRC },
  { code: 100, name: 'no_renegotiation', meaning: 'Renegotiation refused (reserved in TLS 1.3).', verified: true, source: SRC },
  { code: 109, name: 'missing_extension', meaning: 'A required extension is missing.', verified: true, source: SRC },
  { code: 110, name: 'unsupported_extension', meaning: 'An extension was not allowed here.', verified: true, source: SRC },
  { code: 111, name: 'certificate_unobtainable', meaning: 'The certificate could not be obtained (reserved).', verified: true, source: SRC },
  { code: 112, name: 'unrecognized_name', meaning: 'The SNI server name is not recognised.', verified: true, source: SRC },
  { code: 113, name: 'bad_certificate_status_response', meaning: 'The OCSP status response was invalid.', verified: true, source: SRC },
  { code: 114, name: 'bad_certificate_hash_value', meaning: 'Bad certificate hash value (reserved).', verified: true, source: SRC },
  { code: 115, name: 'unknown_psk_identity', meaning: 'The PSK identity is unknown.', verified: true, source: SRC },
  { code: 116, name: 'certificate_required', meaning: 'A client certificate is required.', verified: true, source: SRC },
  { code: 120, name: 'no_application_protocol', meaning: 'No common ALPN protocol.', verified: true, source: SRC },
  { code: 121, name: 'ech_required', meaning: 'Encrypted Client Hello is required (ECH draft).', verified: false, source: 'TLS ECH draft; Wireshark alert table (tshark 4.0.17); not in docs/findings' },
] as const satisfies readonly CodeEntry[];

export const tlsAlertTable = defineTable({
  id: 'tls-alert',
  title: 'TLS alert description',
  section: '5.5',
  entries: TLS_ALERTS,
  hexDigits: 2,
  radix: 'dec',
  fallbackName: (c) => `alert_${c} (unknown)`,
});

export function tlsAlert(code: number): CodeInfo {
  return tlsAlertTable.lookup(code);
}

export function tlsAlertLevelName(level: number): string {
  return level === 1 ? 'warning' : level === 2 ? 'fatal' : `level_${level} (unknown)`;
}
