/**
 * Events reported for Kerberos messages (port 88 TCP/UDP, inside SPNEGO/CredSSP, inside
 * MS-KKDCP). Principal names are rendered `a/b` (components joined by '/'); cname, crealm,
 * realm and sname are sensitive: kept raw, redacted at report time.
 */
import type { Dir, ProtoEventBase } from '../stream.js';
import type { EtypeInfo2Entry, KrbMessage } from './messages.js';
import { principalToString } from './messages.js';
import type { SkewEstimate, SkewReference, SkewSuspect } from './skew.js';

/** How the message reached us. */
/** How the message travelled; 'embedded' = found inside another protocol's GSS blob (SMB, LDAP, RPC). */
export type KrbCarrier = 'tcp' | 'udp' | 'gss' | 'kkdcp' | 'embedded';

interface KrbEventBase extends ProtoEventBase {
  readonly dir?: Dir;
  readonly carrier: KrbCarrier;
}

export interface KrbKdcReqEvent extends KrbEventBase {
  readonly type: 'krb.as_req' | 'krb.tgs_req';
  readonly cname?: string;
  readonly realm: string;
  readonly sname?: string;
  readonly etypes: number[];
  readonly padataTypes: number[];
  readonly kdcOptions: number;
  readonly nonce: number;
  /** Requested times (not clock readings). */
  readonly till?: number;
  readonly from?: number;
  /** TGS-REQ: service name of the ticket presented in PA-TGS-REQ (usually krbtgt/REALM). */
  readonly tgsTicketSname?: string;
}

export interface KrbKdcRepEvent extends KrbEventBase {
  readonly type: 'krb.as_rep' | 'krb.tgs_rep';
  readonly crealm: string;
  readonly cname: string;
  readonly ticketSname: string;
  readonly ticketRealm: string;
  readonly ticketEtype: number;
  /** etype of the reply's enc-part. */
  readonly etype: number;
  readonly padataTypes: number[];
}

export interface KrbApReqEvent extends KrbEventBase {
  readonly type: 'krb.ap_req';
  readonly ticketSname?: string;
  /** Realm of the ticket. */
  readonly realm?: string;
  readonly ticketEtype?: number;
  readonly authenticatorEtype?: number;
  readonly apOptions?: number;
}

export interface KrbApRepEvent extends KrbEventBase {
  readonly type: 'krb.ap_rep';
  readonly etype: number;
}

export interface KrbTgtReqEvent extends KrbEventBase {
  readonly type: 'krb.tgt_req';
  readonly sname?: string;
  readonly realm?: string;
}

export interface KrbTgtRepEvent extends KrbEventBase {
  readonly type: 'krb.tgt_rep';
  readonly ticketSname: string;
  readonly ticketRealm: string;
}

export interface KrbErrorEvent extends KrbEventBase {
  readonly type: 'krb.error';
  readonly pvno: number;
  readonly errorCode: number;
  /** Server time, epoch seconds (+ susec). */
  readonly stime: number;
  readonly susec: number;
  readonly ctime?: number;
  readonly cusec?: number;
  readonly realm: string;
  readonly sname?: string;
  readonly crealm?: string;
  readonly cname?: string;
  readonly eText?: string;
  readonly eDataPadataTypes?: number[];
  readonly etypeInfo2?: EtypeInfo2Entry[];
  readonly eDataType?: number;
  /** NTSTATUS from Windows KERB-EXT-ERROR in e-data (unsigned 32-bit). */
  readonly ntStatus?: number;
  /** Inferred clock skew (server − reference), see kerberos/skew.ts. */
  readonly skewSeconds?: number;
  readonly skewReference?: SkewReference;
  readonly skewSuspect?: SkewSuspect;
}

export type KrbEvent =
  | KrbKdcReqEvent
  | KrbKdcRepEvent
  | KrbApReqEvent
  | KrbApRepEvent
  | KrbTgtReqEvent
  | KrbTgtRepEvent
  | KrbErrorEvent;

/** MS-KKDCP wrapper seen in an HTTP body (the inner message is reported as its own event). */
export interface KkdcpMessageEvent extends ProtoEventBase {
  readonly type: 'krb.kkdcp';
  readonly dir?: Dir;
  readonly targetDomain?: string;
  readonly dclocatorHint?: number;
  /** Application tag of the inner message (10 AS-REQ … 30 KRB-ERROR), when recognisable. */
  readonly innerMsgType?: number;
}

export interface KrbOrigin {
  readonly frame: number;
  readonly firstFrame?: number;
  readonly ts: number;
  readonly dir?: Dir;
  readonly decrypted?: boolean;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Builds the event for a decoded Kerberos message; `skew` is attached to KRB-ERROR events. */
export function krbEvent(msg: KrbMessage, o: KrbOrigin, carrier: KrbCarrier, skew?: SkewEstimate): KrbEvent {
  const base: Mutable<KrbOrigin> & { carrier: KrbCarrier } = { frame: o.frame, ts: o.ts, carrier };
  if (o.firstFrame !== undefined) base.firstFrame = o.firstFrame;
  if (o.dir !== undefined) base.dir = o.dir;
  if (o.decrypted !== undefined) base.decrypted = o.decrypted;
  switch (msg.msgType) {
    case 10:
    case 12: {
      const e: Mutable<KrbKdcReqEvent> = {
        type: msg.msgType === 10 ? 'krb.as_req' : 'krb.tgs_req',
        ...base,
        realm: msg.realm,
        etypes: msg.etypes,
        padataTypes: msg.padataTypes,
        kdcOptions: msg.kdcOptions,
        nonce: msg.nonce,
      };
      if (msg.cname) e.cname = principalToString(msg.cname);
      if (msg.sname) e.sname = principalToString(msg.sname);
      if (msg.till !== undefined) e.till = msg.till;
      if (msg.from !== undefined) e.from = msg.from;
      if (msg.tgsTicket) e.tgsTicketSname = principalToString(msg.tgsTicket.sname);
      return e;
    }
    case 11:
    case 13:
      return {
        type: msg.msgType === 11 ? 'krb.as_rep' : 'krb.tgs_rep',
        ...base,
        crealm: msg.crealm,
        cname: principalToString(msg.cname),
        ticketSname: principalToString(msg.ticket.sname),
        ticketRealm: msg.ticket.realm,
        ticketEtype: msg.ticket.etype,
        etype: msg.etype,
        padataTypes: msg.padataTypes,
      };
    case 14:
      return {
        type: 'krb.ap_req',
        ...base,
        ticketSname: principalToString(msg.ticket.sname),
        realm: msg.ticket.realm,
        ticketEtype: msg.ticket.etype,
        authenticatorEtype: msg.authenticatorEtype,
        apOptions: msg.apOptions,
      };
    case 15:
      return { type: 'krb.ap_rep', ...base, etype: msg.etype };
    case 16: {
      const e: Mutable<KrbTgtReqEvent> = { type: 'krb.tgt_req', ...base };
      if (msg.sname) e.sname = principalToString(msg.sname);
      if (msg.realm !== undefined) e.realm = msg.realm;
      return e;
    }
    case 17:
      return {
        type: 'krb.tgt_rep',
        ...base,
        ticketSname: principalToString(msg.ticket.sname),
        ticketRealm: msg.ticket.realm,
      };
    case 30: {
      const e: Mutable<KrbErrorEvent> = {
        type: 'krb.error',
        ...base,
        pvno: msg.pvno,
        errorCode: msg.errorCode,
        stime: msg.stime,
        susec: msg.susec,
        realm: msg.realm,
        sname: principalToString(msg.sname),
      };
      if (msg.ctime !== undefined) e.ctime = msg.ctime;
      if (msg.cusec !== undefined) e.cusec = msg.cusec;
      if (msg.crealm !== undefined) e.crealm = msg.crealm;
      if (msg.cname) e.cname = principalToString(msg.cname);
      if (msg.eText !== undefined) e.eText = msg.eText;
      if (msg.eDataPadataTypes) e.eDataPadataTypes = msg.eDataPadataTypes;
      if (msg.etypeInfo2) e.etypeInfo2 = msg.etypeInfo2;
      if (msg.eDataType !== undefined) e.eDataType = msg.eDataType;
      if (msg.ntStatus !== undefined) e.ntStatus = msg.ntStatus;
      if (skew) {
        e.skewSeconds = skew.skewSeconds;
        e.skewReference = skew.reference;
        e.skewSuspect = skew.suspect;
      }
      return e;
    }
  }
}

/** True for messages a client sends (used to remember request times for skew). */
export function isKrbRequest(msgType: number): boolean {
  return msgType === 10 || msgType === 12 || msgType === 14 || msgType === 16;
}
