/**
 * CredSSP TSRequest (MS-CSSP 2.2.1, protocol-facts §6.1):
 *
 *   TSRequest ::= SEQUENCE {
 *     version [0] INTEGER, negoTokens [1] NegoData OPTIONAL, authInfo [2] OCTET STRING OPTIONAL,
 *     pubKeyAuth [3] OCTET STRING OPTIONAL, errorCode [4] INTEGER OPTIONAL,
 *     clientNonce [5] OCTET STRING OPTIONAL }
 *   NegoData ::= SEQUENCE OF SEQUENCE { negoToken [0] OCTET STRING }
 *
 * authInfo and pubKeyAuth are encrypted with the mechanism's session key; only their
 * presence and length are reported. Malformed input → `{ok:false}`, never a throw.
 */
import {
  DerClass,
  DerTag,
  derChildren,
  derContextFields,
  derInteger,
  derOctetString,
  derUint32,
  isTag,
  readTlv,
} from '../asn1/der.js';

export type TsRequestField = 'negoTokens' | 'authInfo' | 'pubKeyAuth' | 'errorCode' | 'clientNonce';

const FIELD_NAMES: readonly (TsRequestField | undefined)[] = [
  undefined,
  'negoTokens',
  'authInfo',
  'pubKeyAuth',
  'errorCode',
  'clientNonce',
];

export interface TsRequest {
  readonly version: number;
  /** Optional fields present, in wire order. */
  readonly fields: TsRequestField[];
  /** negoToken octet strings (views into the input). */
  readonly negoTokens: Uint8Array[];
  readonly authInfoLength?: number;
  readonly pubKeyAuthLength?: number;
  /** NTSTATUS as an unsigned 32-bit number (e.g. 0xC000006D). */
  readonly errorCode?: number;
  readonly clientNonce?: Uint8Array;
}

export type TsRequestResult =
  | { readonly ok: true; readonly value: TsRequest; readonly length: number }
  | { readonly ok: false; readonly reason: string; readonly offset: number };

function bad(reason: string, offset: number): TsRequestResult {
  return { ok: false, reason, offset };
}

/** Decodes one TSRequest at `buf[start..end)`; `length` is the bytes it used. */
export function parseTsRequest(buf: Uint8Array, start = 0, end = buf.length): TsRequestResult {
  const t = readTlv(buf, start, end);
  if (!t.ok) return bad(`TSRequest ${t.reason}`, t.offset);
  if (!isTag(t, DerClass.universal, DerTag.SEQUENCE, true)) return bad('TSRequest is not a SEQUENCE', start);
  const f = derContextFields(buf, t, 15);
  if (!f) return bad('TSRequest fields malformed', t.contentStart);
  const version = derInteger(buf, f[0]);
  if (version === null) return bad('TSRequest version missing', t.contentStart);
  const fields: TsRequestField[] = [];
  for (let i = 1; i < f.length; i++) {
    const name = FIELD_NAMES[i];
    if (f[i] && name) fields.push(name);
  }
  const negoTokens: Uint8Array[] = [];
  const out: { -readonly [K in keyof TsRequest]: TsRequest[K] } = { version, fields, negoTokens };
  if (f[1]) {
    const nd = f[1];
    if (!isTag(nd, DerClass.universal, DerTag.SEQUENCE, true)) return bad('negoTokens is not a SEQUENCE', nd.start);
    const items = derChildren(buf, nd);
    if (!items) return bad('negoTokens malformed', nd.start);
    for (const it of items) {
      if (!isTag(it, DerClass.universal, DerTag.SEQUENCE, true)) return bad('NegoData item malformed', it.start);
      const inner = derContextFields(buf, it);
      const tok = inner ? derOctetString(buf, inner[0]) : null;
      if (!tok) return bad('negoToken malformed', it.start);
      negoTokens.push(tok);
    }
  }
  if (f[2]) {
    const v = derOctetString(buf, f[2]);
    if (!v) return bad('authInfo malformed', f[2].start);
    out.authInfoLength = v.length;
  }
  if (f[3]) {
    const v = derOctetString(buf, f[3]);
    if (!v) return bad('pubKeyAuth malformed', f[3].start);
    out.pubKeyAuthLength = v.length;
  }
  if (f[4]) {
    const v = derUint32(buf, f[4]);
    if (v === null) return bad('errorCode malformed', f[4].start);
    out.errorCode = v;
  }
  if (f[5]) {
    const v = derOctetString(buf, f[5]);
    if (!v) return bad('clientNonce malformed', f[5].start);
    out.clientNonce = v;
  }
  return { ok: true, value: out, length: t.contentEnd - start };
}
