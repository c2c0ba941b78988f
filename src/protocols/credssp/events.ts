/**
 * Events of the CredSSP stream decoder. Besides `credssp.ts_request` the decoder reports the
 * NTLM and Kerberos messages found in negoTokens (ntlm.* and krb.* events, with
 * `decrypted: true` when read from TLS plaintext).
 */
import type { KrbEvent } from '../kerberos/events.js';
import type { NtlmEvent } from '../ntlm/events.js';
import type { Dir, ProtoEventBase } from '../stream.js';
import type { TsRequestField } from './ts-request.js';

/** Mechanism of the first negoToken: the innermost message recognised. */
export type CredSspTokenKind = 'ntlm' | 'kerberos' | 'spnego' | 'unknown';

export interface CredSspTsRequestEvent extends ProtoEventBase {
  readonly type: 'credssp.ts_request';
  readonly dir?: Dir;
  readonly version: number;
  /** Optional TSRequest fields present: negoTokens, authInfo, pubKeyAuth, errorCode, clientNonce. */
  readonly fields: TsRequestField[];
  /** NTSTATUS, unsigned 32-bit (e.g. 0xC000006D). */
  readonly errorCode?: number;
  readonly hasClientNonce: boolean;
  /**
   * Present when negoTokens is: 'ntlm'/'kerberos' when such a message was found (raw or
   * inside SPNEGO), 'spnego' for a SPNEGO token without a mechanism token (e.g. the final
   * accept-completed with only a mechListMIC), 'unknown' otherwise (including NegoEx).
   */
  readonly tokenKind?: CredSspTokenKind;
  /** SPNEGO negState (0 accept-completed, 1 accept-incomplete, 2 reject, 3 request-mic). */
  readonly negState?: number;
  readonly supportedMech?: string;
  /** SPNEGO NegTokenInit mechTypes (OIDs). */
  readonly mechTypes?: string[];
  readonly authInfoLength?: number;
  readonly pubKeyAuthLength?: number;
}

export type CredSspEvent = CredSspTsRequestEvent;

/** Everything the CredSSP stream decoder can emit. */
export type CredSspDecoderEvent = CredSspTsRequestEvent | NtlmEvent | KrbEvent;
