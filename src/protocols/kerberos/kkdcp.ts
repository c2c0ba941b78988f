/**
 * MS-KKDCP (Kerberos KDC Proxy) messages, as POSTed to an RD Gateway's `/KdcProxy` with
 * Content-Type `application/kerberos` (MS-KKDCP 2.2.2):
 *
 *   KDC-PROXY-MESSAGE ::= SEQUENCE {
 *     kerb-message   [0] OCTET STRING,   -- a Kerberos message WITH the 4-byte TCP length prefix
 *     target-domain  [1] KERB-REALM OPTIONAL,
 *     dclocator-hint [2] INTEGER OPTIONAL }
 *
 * The same structure is used for requests and replies. The gateway decoder calls
 * `decodeKdcProxyBody` with the HTTP body; nothing here throws.
 */
import { issue } from '../../core/issues.js';
import { derContextFields, derInteger, derOctetString, derString, DerClass, DerTag, isTag, readTlv } from '../asn1/der.js';
import type { ChunkInfo, Dir, Sink } from '../stream.js';
import { type KkdcpMessageEvent, type KrbEvent, krbEvent } from './events.js';
import { type KrbMessage, parseKerberosMessage, peekKrbMsgType } from './messages.js';

export interface KdcProxyMessage {
  /** The Kerberos message without its 4-byte length prefix (view). */
  readonly kerbMessage: Uint8Array;
  readonly targetDomain?: string;
  readonly dclocatorHint?: number;
  /** Decoded inner message, or null when it did not decode (see `innerProblem`). */
  readonly message: KrbMessage | null;
  readonly innerProblem?: string;
}

export type KdcProxyResult =
  | { readonly ok: true; readonly value: KdcProxyMessage }
  | { readonly ok: false; readonly reason: string; readonly offset: number };

/** Parses a KDC-PROXY-MESSAGE from an HTTP body. */
export function parseKdcProxyMessage(body: Uint8Array): KdcProxyResult {
  const t = readTlv(body, 0);
  if (!t.ok) return { ok: false, reason: `KDC-PROXY-MESSAGE ${t.reason}`, offset: t.offset };
  if (!isTag(t, DerClass.universal, DerTag.SEQUENCE, true)) return { ok: false, reason: 'not a KDC-PROXY-MESSAGE', offset: 0 };
  const f = derContextFields(body, t);
  const km = f ? derOctetString(body, f[0]) : null;
  if (!f || !km) return { ok: false, reason: 'KDC-PROXY-MESSAGE fields malformed', offset: t.contentStart };
  if (km.length < 4) return { ok: false, reason: 'kerb-message shorter than its length prefix', offset: t.contentStart };
  const len = ((km[0]! << 24) | (km[1]! << 16) | (km[2]! << 8) | km[3]!) >>> 0;
  if (len !== km.length - 4) {
    return { ok: false, reason: `kerb-message length prefix ${len} does not match ${km.length - 4} bytes`, offset: t.contentStart };
  }
  const kerbMessage = km.subarray(4);
  const r = parseKerberosMessage(kerbMessage);
  const out: { -readonly [K in keyof KdcProxyMessage]: KdcProxyMessage[K] } = {
    kerbMessage,
    message: r.ok ? r.message : null,
  };
  if (!r.ok) out.innerProblem = r.reason;
  const domain = f[1] ? derString(body, f[1]) : null;
  if (domain !== null) out.targetDomain = domain;
  const hint = f[2] ? derInteger(body, f[2]) : null;
  if (hint !== null) out.dclocatorHint = hint;
  return { ok: true, value: out };
}

/**
 * Decodes an HTTP body carrying a KDC-PROXY-MESSAGE and reports a `krb.kkdcp` event followed
 * by the inner Kerberos event (carrier 'kkdcp'); problems are reported as DecodeIssues.
 * Returns false when the body is not a KDC proxy message.
 */
export function decodeKdcProxyBody(
  dir: Dir,
  body: Uint8Array,
  info: ChunkInfo & { readonly firstFrame?: number; readonly decrypted?: boolean },
  sink: Sink<KkdcpMessageEvent | KrbEvent>,
): boolean {
  const r = parseKdcProxyMessage(body);
  if (!r.ok) {
    sink(issue('kkdcp', info.frame, info.ts, r.offset, `KKDCP: ${r.reason}`));
    return false;
  }
  const v = r.value;
  const origin = {
    frame: info.frame,
    ...(info.firstFrame !== undefined ? { firstFrame: info.firstFrame } : {}),
    ts: info.ts,
    dir,
    ...(info.decrypted !== undefined ? { decrypted: info.decrypted } : {}),
  };
  const ev: { -readonly [K in keyof KkdcpMessageEvent]: KkdcpMessageEvent[K] } = { type: 'krb.kkdcp', ...origin };
  if (v.targetDomain !== undefined) ev.targetDomain = v.targetDomain;
  if (v.dclocatorHint !== undefined) ev.dclocatorHint = v.dclocatorHint;
  const mt = v.message?.msgType ?? peekKrbMsgType(v.kerbMessage);
  if (mt !== null && mt !== undefined) ev.innerMsgType = mt;
  sink(ev);
  if (v.message) sink(krbEvent(v.message, origin, 'kkdcp'));
  else sink(issue('kkdcp', info.frame, info.ts, 0, `KKDCP: inner Kerberos message: ${v.innerProblem ?? 'undecodable'}`));
  return true;
}
