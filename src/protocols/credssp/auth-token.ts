/**
 * From an authentication token (CredSSP negoToken, or an HTTP Negotiate/NTLM header value
 * once base64-decoded) to events: unwraps SPNEGO/GSS, decodes the NTLMSSP or Kerberos
 * message inside and builds its ntlm.* / krb.* event. Problems are returned as text for the
 * caller to report as DecodeIssues.
 */
import { type KrbEvent, krbEvent } from '../kerberos/events.js';
import { parseKerberosMessage } from '../kerberos/messages.js';
import { type SkewEstimate, estimateSkew, skewInputFor } from '../kerberos/skew.js';
import { type NtlmEvent, ntlmEvent } from '../ntlm/events.js';
import { parseNtlmssp } from '../ntlm/ntlmssp.js';
import type { Dir } from '../stream.js';
import type { CredSspTokenKind } from './events.js';
import { type SpnegoToken, unwrapAuthToken } from './spnego.js';

export interface TokenOrigin {
  readonly frame: number;
  readonly firstFrame?: number;
  readonly ts: number;
  readonly dir?: Dir;
  readonly decrypted?: boolean;
}

export interface DecodedAuthToken {
  readonly tokenKind: CredSspTokenKind;
  readonly spnego?: SpnegoToken;
  readonly events: Array<NtlmEvent | KrbEvent>;
  readonly problems: string[];
}

export interface AuthTokenContext {
  /** Capture time of the peer's previous token, used as request time for KRB-ERROR skew. */
  readonly requestTs?: number;
  readonly maxSkewSeconds?: number;
}

export function decodeAuthToken(token: Uint8Array, o: TokenOrigin, ctx: AuthTokenContext = {}): DecodedAuthToken {
  const problems: string[] = [];
  const events: Array<NtlmEvent | KrbEvent> = [];
  const u = unwrapAuthToken(token);
  if (!u) return { tokenKind: 'unknown', events, problems: ['authentication token malformed (GSS/SPNEGO framing)'] };
  if (u.mechMalformed) problems.push('SPNEGO mechanism token malformed');
  let tokenKind: CredSspTokenKind = u.outer === 'spnego' ? 'spnego' : 'unknown';
  const mech = u.mech;
  if (mech?.kind === 'ntlm') {
    tokenKind = 'ntlm';
    const m = parseNtlmssp(mech.message);
    if (m) {
      events.push(ntlmEvent(m, o));
      for (const p of m.problems) problems.push(`NTLMSSP: ${p}`);
    } else problems.push('NTLMSSP message malformed or truncated');
  } else if (mech?.kind === 'kerberos') {
    tokenKind = 'kerberos';
    const r = parseKerberosMessage(mech.message);
    if (r.ok) {
      let skew: SkewEstimate | undefined;
      if (r.message.msgType === 30) {
        const m = r.message;
        skew = estimateSkew(
          skewInputFor(m, o.ts, ctx.requestTs),
          ctx.maxSkewSeconds,
        );
      }
      events.push(krbEvent(r.message, o, 'gss', skew));
      if (r.length !== mech.message.length) problems.push('Kerberos: trailing bytes after the message');
    } else problems.push(`Kerberos token: ${r.reason}`);
  } else if (mech && u.outer !== 'spnego') {
    tokenKind = 'unknown';
  } else if (mech) {
    // SPNEGO around NegoEx or an unknown mechanism.
    tokenKind = 'unknown';
  }
  return u.spnego ? { tokenKind, spnego: u.spnego, events, problems } : { tokenKind, events, problems };
}
