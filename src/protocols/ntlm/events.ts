/**
 * Events reported for NTLMSSP messages (found inside CredSSP/SPNEGO, HTTP auth headers…).
 * userName/domainName/workstation/targetName are sensitive: kept raw, redacted at report time.
 */
import type { Dir, ProtoEventBase } from '../stream.js';
import type { NtlmAvInfo, NtlmMessage, NtlmVersion } from './ntlmssp.js';

interface NtlmEventBase extends ProtoEventBase {
  readonly dir?: Dir;
}

export interface NtlmNegotiateEvent extends NtlmEventBase {
  readonly type: 'ntlm.negotiate';
  readonly flags: number;
  readonly version?: NtlmVersion;
  readonly domainName?: string;
  readonly workstation?: string;
}

export interface NtlmChallengeEvent extends NtlmEventBase {
  readonly type: 'ntlm.challenge';
  readonly flags: number;
  readonly targetName?: string;
  readonly targetInfo?: NtlmAvInfo;
  readonly version?: NtlmVersion;
}

export interface NtlmAuthenticateEvent extends NtlmEventBase {
  readonly type: 'ntlm.authenticate';
  readonly flags: number;
  readonly domainName: string;
  readonly userName: string;
  readonly workstation: string;
  readonly ntResponseLength: number;
  readonly lmResponseLength: number;
  readonly ntlmVersion: 1 | 2;
  readonly anonymous: boolean;
  readonly hasMic: boolean;
  /** MsvAvTargetName from the NTLMv2 blob (e.g. `TERMSRV/host`), when present. */
  readonly spn?: string;
  /** MsvAvFlags from the NTLMv2 blob. */
  readonly avFlags?: number;
  readonly version?: NtlmVersion;
}

export type NtlmEvent = NtlmNegotiateEvent | NtlmChallengeEvent | NtlmAuthenticateEvent;

/** Where an event came from: frame/ts/dir and the optional flags of ProtoEventBase. */
export interface EventOrigin {
  readonly frame: number;
  readonly firstFrame?: number;
  readonly ts: number;
  readonly dir?: Dir;
  readonly decrypted?: boolean;
}

function origin(o: EventOrigin): EventOrigin {
  const out: { -readonly [K in keyof EventOrigin]: EventOrigin[K] } = { frame: o.frame, ts: o.ts };
  if (o.firstFrame !== undefined) out.firstFrame = o.firstFrame;
  if (o.dir !== undefined) out.dir = o.dir;
  if (o.decrypted !== undefined) out.decrypted = o.decrypted;
  return out;
}

/** Builds the event for a decoded NTLMSSP message. */
export function ntlmEvent(msg: NtlmMessage, o: EventOrigin): NtlmEvent {
  const base = origin(o);
  switch (msg.messageType) {
    case 1: {
      const e: { -readonly [K in keyof NtlmNegotiateEvent]: NtlmNegotiateEvent[K] } = {
        type: 'ntlm.negotiate',
        ...base,
        flags: msg.flags,
      };
      if (msg.version) e.version = msg.version;
      if (msg.domainName !== undefined) e.domainName = msg.domainName;
      if (msg.workstation !== undefined) e.workstation = msg.workstation;
      return e;
    }
    case 2: {
      const e: { -readonly [K in keyof NtlmChallengeEvent]: NtlmChallengeEvent[K] } = {
        type: 'ntlm.challenge',
        ...base,
        flags: msg.flags,
      };
      if (msg.targetName !== undefined) e.targetName = msg.targetName;
      if (msg.targetInfo) e.targetInfo = msg.targetInfo;
      if (msg.version) e.version = msg.version;
      return e;
    }
    case 3: {
      const e: { -readonly [K in keyof NtlmAuthenticateEvent]: NtlmAuthenticateEvent[K] } = {
        type: 'ntlm.authenticate',
        ...base,
        flags: msg.flags,
        domainName: msg.domainName,
        userName: msg.userName,
        workstation: msg.workstation,
        ntResponseLength: msg.ntResponseLength,
        lmResponseLength: msg.lmResponseLength,
        ntlmVersion: msg.ntlmVersion,
        anonymous: msg.anonymous,
        hasMic: msg.hasMic,
      };
      if (msg.v2Info?.targetName !== undefined) e.spn = msg.v2Info.targetName;
      if (msg.v2Info?.flags !== undefined) e.avFlags = msg.v2Info.flags;
      if (msg.version) e.version = msg.version;
      return e;
    }
  }
}
