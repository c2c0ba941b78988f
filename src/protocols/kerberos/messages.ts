/**
 * Kerberos V5 messages (RFC 4120 §5, MS-KILE) decoded from DER: AS-REQ/TGS-REQ,
 * AS-REP/TGS-REP, AP-REQ, AP-REP, KRB-ERROR, and the user-to-user KERB-TGT-REQUEST /
 * KERB-TGT-REPLY that Windows sends inside SPNEGO for CredSSP. Encrypted parts are not
 * decrypted: only their etype is reported. Malformed input → `{ok:false}`, never a throw.
 *
 * Sensitive: cname / crealm / realm / sname are principals; kept raw, redacted at report time.
 */
import {
  DerClass,
  DerTag,
  type DerTlv,
  derBitFlags32,
  derChildren,
  derContextFields,
  derGeneralizedTime,
  derInteger,
  derOctetString,
  derString,
  derUint32,
  isTag,
  readTlv,
} from '../asn1/der.js';

/** Application tag numbers of the Kerberos messages (protocol-facts §7.2). */
export const KrbMsgType = {
  AS_REQ: 10,
  AS_REP: 11,
  TGS_REQ: 12,
  TGS_REP: 13,
  AP_REQ: 14,
  AP_REP: 15,
  TGT_REQ: 16,
  TGT_REP: 17,
  KRB_ERROR: 30,
} as const;
export type KrbMsgType = (typeof KrbMsgType)[keyof typeof KrbMsgType];

/** PA-DATA types referred to by name here (RFC 4120 §7.5.2, RFC 6113, MS-KILE). */
export const PaDataType = {
  PA_TGS_REQ: 1,
  PA_ENC_TIMESTAMP: 2,
  PA_ETYPE_INFO: 11,
  PA_PK_AS_REQ: 16,
  PA_PK_AS_REP: 17,
  PA_ETYPE_INFO2: 19,
  PA_PAC_REQUEST: 128,
  PA_FX_COOKIE: 133,
  PA_FX_FAST: 136,
  PA_FX_ERROR: 137,
  PA_ENCRYPTED_CHALLENGE: 138,
} as const;

export interface PrincipalName {
  readonly nameType: number;
  readonly nameString: readonly string[];
}

/** `a/b/c` rendering of a principal's name components (without realm). */
export function principalToString(p: PrincipalName): string {
  return p.nameString.join('/');
}

export interface EtypeInfo2Entry {
  readonly etype: number;
  readonly salt?: string;
}

export interface KrbTicketInfo {
  readonly realm: string;
  readonly sname: PrincipalName;
  readonly etype: number;
  readonly kvno?: number;
}

export interface KrbKdcReq {
  readonly msgType: 10 | 12;
  readonly pvno: number;
  readonly padataTypes: number[];
  readonly kdcOptions: number;
  readonly cname?: PrincipalName;
  readonly realm: string;
  readonly sname?: PrincipalName;
  /** Requested start time (epoch s): a requested value, not a clock reading. */
  readonly from?: number;
  /** Requested end time (epoch s): a requested value, not a clock reading. */
  readonly till?: number;
  readonly nonce: number;
  readonly etypes: number[];
  /** TGS-REQ: the ticket inside PA-TGS-REQ (AP-REQ), when decodable. */
  readonly tgsTicket?: KrbTicketInfo;
}

export interface KrbKdcRep {
  readonly msgType: 11 | 13;
  readonly pvno: number;
  readonly padataTypes: number[];
  readonly crealm: string;
  readonly cname: PrincipalName;
  readonly ticket: KrbTicketInfo;
  /** etype of the reply's enc-part. */
  readonly etype: number;
}

export interface KrbApReq {
  readonly msgType: 14;
  readonly pvno: number;
  readonly apOptions: number;
  readonly ticket: KrbTicketInfo;
  readonly authenticatorEtype: number;
}

export interface KrbApRep {
  readonly msgType: 15;
  readonly pvno: number;
  readonly etype: number;
}

/** KERB-TGT-REQUEST (user-to-user, MS-KILE 2.2.2 / draft-swift-win2k-krb-user2user). */
export interface KrbTgtReq {
  readonly msgType: 16;
  readonly pvno: number;
  readonly sname?: PrincipalName;
  readonly realm?: string;
}

/** KERB-TGT-REPLY. */
export interface KrbTgtRep {
  readonly msgType: 17;
  readonly pvno: number;
  readonly ticket: KrbTicketInfo;
}

export interface KrbErrorMsg {
  readonly msgType: 30;
  readonly pvno: number;
  readonly ctime?: number;
  readonly cusec?: number;
  readonly stime: number;
  readonly susec: number;
  readonly errorCode: number;
  readonly crealm?: string;
  readonly cname?: PrincipalName;
  readonly realm: string;
  readonly sname: PrincipalName;
  readonly eText?: string;
  /** e-data as METHOD-DATA: the PA-DATA types it holds. */
  readonly eDataPadataTypes?: number[];
  /** PA-ETYPE-INFO2 entries found in e-data (salt is sensitive: contains the realm+user). */
  readonly etypeInfo2?: EtypeInfo2Entry[];
  /** Windows KERB-ERROR-DATA: data-type, and the NTSTATUS of KERB-EXT-ERROR (type 3). */
  readonly eDataType?: number;
  readonly ntStatus?: number;
}

export type KrbMessage = KrbKdcReq | KrbKdcRep | KrbApReq | KrbApRep | KrbTgtReq | KrbTgtRep | KrbErrorMsg;

export type KrbParseResult =
  | { readonly ok: true; readonly message: KrbMessage; readonly length: number }
  | { readonly ok: false; readonly reason: string; readonly offset: number; readonly msgType?: number };

// ---------------------------------------------------------------------------------------

class Bad {
  constructor(readonly reason: string) {}
}
/** Internal: unwrap or signal a structural problem (caught inside this module only). */
function need<T>(v: T | null | undefined, what: string): T {
  if (v === null || v === undefined) throw new Bad(what);
  return v;
}

function seqFields(buf: Uint8Array, t: DerTlv | undefined, what: string): Array<DerTlv | undefined> {
  const s = need(t, what);
  if (!isTag(s, DerClass.universal, DerTag.SEQUENCE, true)) throw new Bad(what);
  return need(derContextFields(buf, s), what);
}

function int(buf: Uint8Array, t: DerTlv | undefined, what: string): number {
  return need(derInteger(buf, t), what);
}

function str(buf: Uint8Array, t: DerTlv | undefined, what: string): string {
  return need(derString(buf, t), what);
}

function time(buf: Uint8Array, t: DerTlv | undefined, what: string): number {
  return need(derGeneralizedTime(buf, t), what);
}

function optional<T>(t: DerTlv | undefined, f: (t: DerTlv) => T): T | undefined {
  return t === undefined ? undefined : f(t);
}

export function parsePrincipalName(buf: Uint8Array, t: DerTlv | undefined): PrincipalName | null {
  try {
    return principal(buf, t, 'PrincipalName');
  } catch (e) {
    if (e instanceof Bad) return null;
    throw e;
  }
}

function principal(buf: Uint8Array, t: DerTlv | undefined, what: string): PrincipalName {
  const f = seqFields(buf, t, what);
  const nameType = int(buf, f[0], `${what}.name-type`);
  const list = need(f[1], `${what}.name-string`);
  if (!isTag(list, DerClass.universal, DerTag.SEQUENCE, true)) throw new Bad(`${what}.name-string`);
  const kids = need(derChildren(buf, list), `${what}.name-string`);
  return { nameType, nameString: kids.map((k) => str(buf, k, `${what}.name-string`)) };
}

function encryptedData(buf: Uint8Array, t: DerTlv | undefined, what: string): { etype: number; kvno?: number } {
  const f = seqFields(buf, t, what);
  const etype = int(buf, f[0], `${what}.etype`);
  need(derOctetString(buf, f[2]), `${what}.cipher`);
  const out: { etype: number; kvno?: number } = { etype };
  const kvno = derUint32(buf, f[1]);
  if (kvno !== null) out.kvno = kvno;
  return out;
}

function ticket(buf: Uint8Array, t: DerTlv | undefined): KrbTicketInfo {
  const app = need(t, 'Ticket');
  if (!isTag(app, DerClass.application, 1, true)) throw new Bad('Ticket');
  const inner = need(readTlv(buf, app.contentStart, app.contentEnd), 'Ticket');
  if (!inner.ok) throw new Bad('Ticket');
  const f = seqFields(buf, inner, 'Ticket');
  const realm = str(buf, f[1], 'Ticket.realm');
  const sname = principal(buf, f[2], 'Ticket.sname');
  const enc = encryptedData(buf, f[3], 'Ticket.enc-part');
  const out: { -readonly [K in keyof KrbTicketInfo]: KrbTicketInfo[K] } = { realm, sname, etype: enc.etype };
  if (enc.kvno !== undefined) out.kvno = enc.kvno;
  return out;
}

interface PaData {
  type: number;
  value: Uint8Array;
}

function padataList(buf: Uint8Array, t: DerTlv | undefined, what: string): PaData[] {
  if (!t) return [];
  if (!isTag(t, DerClass.universal, DerTag.SEQUENCE, true)) throw new Bad(what);
  const kids = need(derChildren(buf, t), what);
  return kids.map((k) => {
    const f = seqFields(buf, k, `${what}.PA-DATA`);
    return {
      type: int(buf, f[1], `${what}.padata-type`),
      value: need(derOctetString(buf, f[2]), `${what}.padata-value`),
    };
  });
}

function etypeInfo2(v: Uint8Array): EtypeInfo2Entry[] | null {
  const t = readTlv(v, 0);
  if (!t.ok || !isTag(t, DerClass.universal, DerTag.SEQUENCE, true)) return null;
  const kids = derChildren(v, t);
  if (!kids) return null;
  const out: EtypeInfo2Entry[] = [];
  for (const k of kids) {
    if (!isTag(k, DerClass.universal, DerTag.SEQUENCE, true)) return null;
    const f = derContextFields(v, k);
    const etype = f ? derInteger(v, f[0]) : null;
    if (!f || etype === null) return null;
    const salt = derString(v, f[1]);
    out.push(salt === null ? { etype } : { etype, salt });
  }
  return out;
}

function kdcReq(buf: Uint8Array, body: DerTlv, msgType: 10 | 12): KrbKdcReq {
  // KDC-REQ ::= SEQUENCE { pvno [1], msg-type [2], padata [3] OPTIONAL, req-body [4] }
  const f = seqFields(buf, body, 'KDC-REQ');
  const pvno = int(buf, f[1], 'KDC-REQ.pvno');
  const mt = int(buf, f[2], 'KDC-REQ.msg-type');
  if (mt !== msgType) throw new Bad('KDC-REQ.msg-type mismatch');
  const pa = padataList(buf, f[3], 'KDC-REQ.padata');
  const b = seqFields(buf, f[4], 'KDC-REQ-BODY');
  const kdcOptions = need(derBitFlags32(buf, b[0]), 'KDC-REQ-BODY.kdc-options');
  const realm = str(buf, b[2], 'KDC-REQ-BODY.realm');
  const nonce = need(derUint32(buf, b[7]), 'KDC-REQ-BODY.nonce');
  const et = need(b[8], 'KDC-REQ-BODY.etype');
  if (!isTag(et, DerClass.universal, DerTag.SEQUENCE, true)) throw new Bad('KDC-REQ-BODY.etype');
  const etypes = need(derChildren(buf, et), 'KDC-REQ-BODY.etype').map((k) => int(buf, k, 'etype'));
  const out: { -readonly [K in keyof KrbKdcReq]: KrbKdcReq[K] } = {
    msgType,
    pvno,
    padataTypes: pa.map((p) => p.type),
    kdcOptions,
    realm,
    nonce,
    etypes,
  };
  const cname = optional(b[1], (t) => principal(buf, t, 'KDC-REQ-BODY.cname'));
  if (cname) out.cname = cname;
  const sname = optional(b[3], (t) => principal(buf, t, 'KDC-REQ-BODY.sname'));
  if (sname) out.sname = sname;
  const from = optional(b[4], (t) => time(buf, t, 'KDC-REQ-BODY.from'));
  if (from !== undefined) out.from = from;
  // `till` is required by RFC 4120 but some clients omit it; tolerate.
  const till = optional(b[5], (t) => time(buf, t, 'KDC-REQ-BODY.till'));
  if (till !== undefined) out.till = till;
  if (msgType === KrbMsgType.TGS_REQ) {
    const tgs = pa.find((p) => p.type === PaDataType.PA_TGS_REQ);
    if (tgs) {
      const r = parseKerberosMessage(tgs.value);
      if (r.ok && r.message.msgType === KrbMsgType.AP_REQ) out.tgsTicket = r.message.ticket;
    }
  }
  return out;
}

function kdcRep(buf: Uint8Array, body: DerTlv, msgType: 11 | 13): KrbKdcRep {
  // KDC-REP ::= SEQUENCE { pvno [0], msg-type [1], padata [2] OPTIONAL, crealm [3],
  //                        cname [4], ticket [5], enc-part [6] }
  const f = seqFields(buf, body, 'KDC-REP');
  const pvno = int(buf, f[0], 'KDC-REP.pvno');
  if (int(buf, f[1], 'KDC-REP.msg-type') !== msgType) throw new Bad('KDC-REP.msg-type mismatch');
  const pa = padataList(buf, f[2], 'KDC-REP.padata');
  return {
    msgType,
    pvno,
    padataTypes: pa.map((p) => p.type),
    crealm: str(buf, f[3], 'KDC-REP.crealm'),
    cname: principal(buf, f[4], 'KDC-REP.cname'),
    ticket: ticket(buf, f[5]),
    etype: encryptedData(buf, f[6], 'KDC-REP.enc-part').etype,
  };
}

function apReq(buf: Uint8Array, body: DerTlv): KrbApReq {
  // AP-REQ ::= [APPLICATION 14] SEQUENCE { pvno [0], msg-type [1], ap-options [2],
  //                                       ticket [3], authenticator [4] }
  const f = seqFields(buf, body, 'AP-REQ');
  const pvno = int(buf, f[0], 'AP-REQ.pvno');
  if (int(buf, f[1], 'AP-REQ.msg-type') !== KrbMsgType.AP_REQ) throw new Bad('AP-REQ.msg-type mismatch');
  return {
    msgType: 14,
    pvno,
    apOptions: need(derBitFlags32(buf, f[2]), 'AP-REQ.ap-options'),
    ticket: ticket(buf, f[3]),
    authenticatorEtype: encryptedData(buf, f[4], 'AP-REQ.authenticator').etype,
  };
}

function apRep(buf: Uint8Array, body: DerTlv): KrbApRep {
  const f = seqFields(buf, body, 'AP-REP');
  const pvno = int(buf, f[0], 'AP-REP.pvno');
  if (int(buf, f[1], 'AP-REP.msg-type') !== KrbMsgType.AP_REP) throw new Bad('AP-REP.msg-type mismatch');
  return { msgType: 15, pvno, etype: encryptedData(buf, f[2], 'AP-REP.enc-part').etype };
}

function tgtReq(buf: Uint8Array, f: Array<DerTlv | undefined>): KrbTgtReq {
  // KERB-TGT-REQUEST ::= SEQUENCE { pvno [0], msg-type [1], server-name [2] OPTIONAL, realm [3] OPTIONAL }
  const out: { -readonly [K in keyof KrbTgtReq]: KrbTgtReq[K] } = { msgType: 16, pvno: int(buf, f[0], 'TGT-REQ.pvno') };
  const sname = optional(f[2], (t) => principal(buf, t, 'TGT-REQ.server-name'));
  if (sname) out.sname = sname;
  const realm = optional(f[3], (t) => str(buf, t, 'TGT-REQ.realm'));
  if (realm !== undefined) out.realm = realm;
  return out;
}

function krbError(buf: Uint8Array, body: DerTlv): KrbErrorMsg {
  const f = seqFields(buf, body, 'KRB-ERROR');
  const pvno = int(buf, f[0], 'KRB-ERROR.pvno');
  if (int(buf, f[1], 'KRB-ERROR.msg-type') !== KrbMsgType.KRB_ERROR) throw new Bad('KRB-ERROR.msg-type mismatch');
  const out: { -readonly [K in keyof KrbErrorMsg]: KrbErrorMsg[K] } = {
    msgType: 30,
    pvno,
    stime: time(buf, f[4], 'KRB-ERROR.stime'),
    susec: int(buf, f[5], 'KRB-ERROR.susec'),
    errorCode: int(buf, f[6], 'KRB-ERROR.error-code'),
    realm: str(buf, f[9], 'KRB-ERROR.realm'),
    sname: principal(buf, f[10], 'KRB-ERROR.sname'),
  };
  const ctime = optional(f[2], (t) => time(buf, t, 'KRB-ERROR.ctime'));
  if (ctime !== undefined) out.ctime = ctime;
  const cusec = optional(f[3], (t) => int(buf, t, 'KRB-ERROR.cusec'));
  if (cusec !== undefined) out.cusec = cusec;
  const crealm = optional(f[7], (t) => str(buf, t, 'KRB-ERROR.crealm'));
  if (crealm !== undefined) out.crealm = crealm;
  const cname = optional(f[8], (t) => principal(buf, t, 'KRB-ERROR.cname'));
  if (cname) out.cname = cname;
  const eText = optional(f[11], (t) => str(buf, t, 'KRB-ERROR.e-text'));
  if (eText !== undefined) out.eText = eText;
  const eData = optional(f[12], (t) => need(derOctetString(buf, t), 'KRB-ERROR.e-data'));
  if (eData) decodeEData(eData, out);
  return out;
}

/**
 * e-data is either METHOD-DATA (SEQUENCE OF PA-DATA: e.g. PA-ETYPE-INFO2 with
 * PREAUTH_REQUIRED) or Windows KERB-ERROR-DATA (SEQUENCE { data-type [1], data-value [2] });
 * with data-type 3 (KERB_ERR_TYPE_EXTENDED) data-value is KERB-EXT-ERROR, whose first
 * 4 bytes are an NTSTATUS, little-endian (MS-KILE 2.2.1, 2.2.2). Undecodable e-data is
 * ignored (it is optional and free-form).
 */
function decodeEData(v: Uint8Array, out: { -readonly [K in keyof KrbErrorMsg]: KrbErrorMsg[K] }): void {
  const t = readTlv(v, 0);
  if (!t.ok || !isTag(t, DerClass.universal, DerTag.SEQUENCE, true)) return;
  const kids = derChildren(v, t);
  if (!kids) return;
  if (kids.length > 0 && kids[0]!.cls === DerClass.context) {
    const f = derContextFields(v, t);
    const type = f ? derInteger(v, f[1]) : null;
    if (type === null || !f) return;
    out.eDataType = type;
    const val = derOctetString(v, f[2]);
    if (type === 3 && val && val.length >= 4) {
      out.ntStatus = (val[0]! | (val[1]! << 8) | (val[2]! << 16) | (val[3]! << 24)) >>> 0;
    }
    return;
  }
  try {
    const pa = padataList(v, t, 'METHOD-DATA');
    out.eDataPadataTypes = pa.map((p) => p.type);
    const e2 = pa.find((p) => p.type === PaDataType.PA_ETYPE_INFO2);
    if (e2) {
      const entries = etypeInfo2(e2.value);
      if (entries) out.etypeInfo2 = entries;
    }
  } catch (e) {
    if (!(e instanceof Bad)) throw e;
  }
}

/** Application tag of the message at `off` (0x6A… → 10…), or null. */
export function peekKrbMsgType(buf: Uint8Array, off = 0): number | null {
  const b = buf[off];
  if (b === undefined || (b & 0xe0) !== 0x60) return null;
  const tag = b & 0x1f;
  return tag === 0x1f ? null : tag;
}

/**
 * Decodes one Kerberos message at `buf[start..end)`. The message is an
 * [APPLICATION n] TLV; KERB-TGT-REQUEST/REPLY are plain SEQUENCEs with msg-type 16/17.
 * `length` is the number of bytes the message used.
 */
export function parseKerberosMessage(buf: Uint8Array, start = 0, end = buf.length): KrbParseResult {
  const t = readTlv(buf, start, end);
  if (!t.ok) return { ok: false, reason: t.reason, offset: t.offset };
  const length = t.contentEnd - start;
  let msgType: number | undefined;
  try {
    if (t.cls === DerClass.universal && isTag(t, DerClass.universal, DerTag.SEQUENCE, true)) {
      const f = seqFields(buf, t, 'KERB-TGT');
      msgType = int(buf, f[1], 'KERB-TGT.msg-type');
      if (msgType === KrbMsgType.TGT_REQ) return { ok: true, message: tgtReq(buf, f), length };
      if (msgType === KrbMsgType.TGT_REP) {
        const m: KrbTgtRep = { msgType: 17, pvno: int(buf, f[0], 'TGT-REP.pvno'), ticket: ticket(buf, f[2]) };
        return { ok: true, message: m, length };
      }
      return { ok: false, reason: `not a Kerberos message (SEQUENCE msg-type ${msgType})`, offset: start, msgType };
    }
    if (t.cls !== DerClass.application || !t.constructed) {
      return { ok: false, reason: 'not a Kerberos message (no application tag)', offset: start };
    }
    msgType = t.tag;
    const body = readTlv(buf, t.contentStart, t.contentEnd);
    if (!body.ok || body.contentEnd !== t.contentEnd) {
      return { ok: false, reason: 'bad message body', offset: t.contentStart, msgType };
    }
    let message: KrbMessage;
    switch (msgType) {
      case KrbMsgType.AS_REQ:
      case KrbMsgType.TGS_REQ:
        message = kdcReq(buf, body, msgType);
        break;
      case KrbMsgType.AS_REP:
      case KrbMsgType.TGS_REP:
        message = kdcRep(buf, body, msgType);
        break;
      case KrbMsgType.AP_REQ:
        message = apReq(buf, body);
        break;
      case KrbMsgType.AP_REP:
        message = apRep(buf, body);
        break;
      case KrbMsgType.KRB_ERROR:
        message = krbError(buf, body);
        break;
      default:
        return { ok: false, reason: `unsupported Kerberos application tag ${msgType}`, offset: start, msgType };
    }
    return { ok: true, message, length };
  } catch (e) {
    if (e instanceof Bad) {
      const r = { ok: false as const, reason: `malformed ${e.reason}`, offset: start };
      return msgType === undefined ? r : { ...r, msgType };
    }
    throw e;
  }
}
