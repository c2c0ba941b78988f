/**
 * GSS-API / SPNEGO tokens (RFC 2743 §3.1, RFC 4178, MS-SPNG) as carried in CredSSP
 * negoTokens (protocol-facts §6.3): recognises the GSS InitialContextToken wrapper
 * (0x60, [APPLICATION 0]) with the SPNEGO or Kerberos OIDs, bare NegTokenInit (A0) /
 * NegTokenResp (A1), raw NTLMSSP and raw Kerberos messages, and unwraps them down to the
 * mechanism message. Malformed input → null; nothing throws.
 */
import {
  DerClass,
  DerTag,
  type DerTlv,
  derBitFlags32,
  derChildren,
  derContextFields,
  derInteger,
  derOctetString,
  derOid,
  derString,
  isTag,
  oidFromContent,
  readDerHeader,
  readTlv,
} from '../asn1/der.js';
import { isNtlmssp } from '../ntlm/ntlmssp.js';

export const GssOid = {
  SPNEGO: '1.3.6.1.5.5.2',
  KRB5: '1.2.840.113554.1.2.2',
  MS_KRB5: '1.2.840.48018.1.2.2',
  KRB5_USER_TO_USER: '1.2.840.113554.1.2.2.3',
  NTLMSSP: '1.3.6.1.4.1.311.2.2.10',
  NEGOEX: '1.3.6.1.4.1.311.2.2.30',
} as const;

/** negState values (RFC 4178 §4.2.2). */
export const NegState = {
  acceptCompleted: 0,
  acceptIncomplete: 1,
  reject: 2,
  requestMic: 3,
} as const;

/** Kerberos GSS TOK_ID values (RFC 4121 §4.1, MS-KILE 3.4.5 for user-to-user). */
export const KrbTokId = {
  AP_REQ: 0x0100,
  AP_REP: 0x0200,
  KRB_ERROR: 0x0300,
  TGT_REQ: 0x0400,
  TGT_REP: 0x0401,
} as const;

export interface NegTokenInit {
  readonly kind: 'negTokenInit';
  readonly mechTypes: string[];
  readonly reqFlags?: number;
  readonly mechToken?: Uint8Array;
  readonly mechListMic?: Uint8Array;
  /** MS-SPNG NegTokenInit2 negHints.hintName. */
  readonly hintName?: string;
}

export interface NegTokenResp {
  readonly kind: 'negTokenResp';
  readonly negState?: number;
  readonly supportedMech?: string;
  readonly responseToken?: Uint8Array;
  readonly mechListMic?: Uint8Array;
}

export type SpnegoToken = NegTokenInit | NegTokenResp;

/** A Kerberos mechanism token: GSS-framed (`oid` + `tokId`) or raw (no framing). */
export interface KerberosMechToken {
  readonly kind: 'kerberos';
  readonly oid?: string;
  readonly tokId?: number;
  /** The Kerberos message (view). */
  readonly message: Uint8Array;
}

export interface NtlmMechToken {
  readonly kind: 'ntlm';
  readonly message: Uint8Array;
}

export interface OtherMechToken {
  readonly kind: 'negoex' | 'unknown';
  readonly oid?: string;
}

export type MechToken = KerberosMechToken | NtlmMechToken | OtherMechToken;

export interface UnwrappedToken {
  /** What the outer layer was. */
  readonly outer: 'spnego' | 'ntlm' | 'kerberos' | 'negoex' | 'unknown';
  readonly spnego?: SpnegoToken;
  /** The mechanism token inside (absent for SPNEGO tokens without one, e.g. final accept). */
  readonly mech?: MechToken;
  /** SPNEGO carried a mechanism token that could not be framed (truncated GSS wrapper). */
  readonly mechMalformed?: boolean;
}

const NEGOEX_SIGNATURE = [0x4e, 0x45, 0x47, 0x4f, 0x45, 0x58, 0x54, 0x53]; // "NEGOEXTS"

function startsWith(b: Uint8Array, sig: readonly number[]): boolean {
  if (b.length < sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (b[i] !== sig[i]) return false;
  return true;
}

/** Body of a [n] explicit field as a SEQUENCE's context fields. */
function seqIn(buf: Uint8Array, tagged: DerTlv): Array<DerTlv | undefined> | null {
  const s = readTlv(buf, tagged.contentStart, tagged.contentEnd);
  if (!s.ok || s.contentEnd !== tagged.contentEnd || !isTag(s, DerClass.universal, DerTag.SEQUENCE, true)) return null;
  return derContextFields(buf, s);
}

function parseNegTokenInit(buf: Uint8Array, a0: DerTlv): NegTokenInit | null {
  const f = seqIn(buf, a0);
  if (!f) return null;
  const mechTypes: string[] = [];
  if (f[0]) {
    if (!isTag(f[0], DerClass.universal, DerTag.SEQUENCE, true)) return null;
    const kids = derChildren(buf, f[0]);
    if (!kids) return null;
    for (const k of kids) {
      const oid = derOid(buf, k);
      if (oid === null) return null;
      mechTypes.push(oid);
    }
  }
  const out: { -readonly [K in keyof NegTokenInit]: NegTokenInit[K] } = { kind: 'negTokenInit', mechTypes };
  if (f[1]) {
    const flags = derBitFlags32(buf, f[1]);
    if (flags === null) return null;
    out.reqFlags = flags;
  }
  if (f[2]) {
    const t = derOctetString(buf, f[2]);
    if (!t) return null;
    out.mechToken = t;
  }
  // NegTokenInit has mechListMIC at [3]; MS-SPNG NegTokenInit2 has negHints [3] and the MIC at [4].
  if (f[3]) {
    if (isTag(f[3], DerClass.universal, DerTag.SEQUENCE, true)) {
      const hints = derContextFields(buf, f[3]);
      const name = hints ? derString(buf, hints[0]) : null;
      if (name !== null) out.hintName = name;
    } else {
      const mic = derOctetString(buf, f[3]);
      if (!mic) return null;
      out.mechListMic = mic;
    }
  }
  if (f[4]) {
    const mic = derOctetString(buf, f[4]);
    if (!mic) return null;
    out.mechListMic = mic;
  }
  return out;
}

function parseNegTokenResp(buf: Uint8Array, a1: DerTlv): NegTokenResp | null {
  const f = seqIn(buf, a1);
  if (!f) return null;
  const out: { -readonly [K in keyof NegTokenResp]: NegTokenResp[K] } = { kind: 'negTokenResp' };
  if (f[0]) {
    const s = derInteger(buf, f[0]);
    if (s === null || f[0].tag !== DerTag.ENUMERATED) return null;
    out.negState = s;
  }
  if (f[1]) {
    const oid = derOid(buf, f[1]);
    if (oid === null) return null;
    out.supportedMech = oid;
  }
  if (f[2]) {
    const t = derOctetString(buf, f[2]);
    if (!t) return null;
    out.responseToken = t;
  }
  if (f[3]) {
    const mic = derOctetString(buf, f[3]);
    if (!mic) return null;
    out.mechListMic = mic;
  }
  return out;
}

/** Parses a bare SPNEGO NegotiationToken (A0 NegTokenInit or A1 NegTokenResp). */
export function parseNegotiationToken(buf: Uint8Array, start = 0, end = buf.length): SpnegoToken | null {
  const t = readTlv(buf, start, end);
  if (!t.ok || t.cls !== DerClass.context || !t.constructed) return null;
  if (t.tag === 0) return parseNegTokenInit(buf, t);
  if (t.tag === 1) return parseNegTokenResp(buf, t);
  return null;
}

interface GssFrame {
  oid: string;
  innerStart: number;
  innerEnd: number;
}

/** GSS InitialContextToken: 0x60 len, 06 len OID, innerContextToken (any bytes). */
function gssFrame(b: Uint8Array): GssFrame | null {
  const t = readTlv(b, 0);
  if (!t.ok || !isTag(t, DerClass.application, 0, true)) return null;
  const o = readDerHeader(b, t.contentStart, t.contentEnd);
  if (!o.ok || o.cls !== DerClass.universal || o.tag !== DerTag.OBJECT_IDENTIFIER || o.contentEnd > t.contentEnd) return null;
  const oid = oidFromContent(b, o.contentStart, o.contentEnd);
  if (oid === null) return null;
  return { oid, innerStart: o.contentEnd, innerEnd: t.contentEnd };
}

function isKrbOid(oid: string): boolean {
  return oid === GssOid.KRB5 || oid === GssOid.MS_KRB5 || oid === GssOid.KRB5_USER_TO_USER;
}

/**
 * Classifies a mechanism token (what sits in SPNEGO mechToken/responseToken or directly in a
 * CredSSP negoToken): GSS-framed Kerberos, raw Kerberos, NTLMSSP, NegoEx or unknown.
 * Null when it is GSS-framed but truncated.
 */
export function classifyMechToken(b: Uint8Array): MechToken | null {
  if (isNtlmssp(b)) return { kind: 'ntlm', message: b };
  if (startsWith(b, NEGOEX_SIGNATURE)) return { kind: 'negoex' };
  const first = b[0];
  if (first === 0x60) {
    const g = gssFrame(b);
    if (!g) return null;
    if (isKrbOid(g.oid)) {
      if (g.innerEnd - g.innerStart < 2) return null;
      const tokId = (b[g.innerStart]! << 8) | b[g.innerStart + 1]!;
      return { kind: 'kerberos', oid: g.oid, tokId, message: b.subarray(g.innerStart + 2, g.innerEnd) };
    }
    if (g.oid === GssOid.NTLMSSP && isNtlmssp(b, g.innerStart)) return { kind: 'ntlm', message: b.subarray(g.innerStart, g.innerEnd) };
    return { kind: 'unknown', oid: g.oid };
  }
  if (first !== undefined && ((first >= 0x6a && first <= 0x6f) || first === 0x7e)) return { kind: 'kerberos', message: b };
  return { kind: 'unknown' };
}

/**
 * Unwraps any authentication token found in a CredSSP negoToken (or an HTTP
 * `Negotiate`/`NTLM` header value once base64-decoded). Returns null when the token looks
 * like SPNEGO/GSS but is malformed.
 */
export function unwrapAuthToken(b: Uint8Array): UnwrappedToken | null {
  if (b.length === 0) return null;
  const first = b[0]!;
  let spnego: SpnegoToken | null = null;
  if (first === 0x60) {
    const g = gssFrame(b);
    if (!g) return null;
    if (g.oid === GssOid.SPNEGO) {
      spnego = parseNegotiationToken(b, g.innerStart, g.innerEnd);
      if (!spnego) return null;
    }
  } else if (first === 0xa0 || first === 0xa1) {
    spnego = parseNegotiationToken(b);
    if (!spnego) return null;
  }
  if (spnego) {
    const inner = spnego.kind === 'negTokenInit' ? spnego.mechToken : spnego.responseToken;
    if (!inner || inner.length === 0) return { outer: 'spnego', spnego };
    const mech = classifyMechToken(inner);
    return mech ? { outer: 'spnego', spnego, mech } : { outer: 'spnego', spnego, mechMalformed: true };
  }
  const mech = classifyMechToken(b);
  if (!mech) return null;
  return { outer: mech.kind, mech };
}
