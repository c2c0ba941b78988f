/**
 * KRB-ERROR codes that stop a logon (RFC 4120 §7.5.9; protocol-facts §7.3, §7.4, §10 row 20):
 * 6 unknown client, 7 unknown service (SPN, e.g. TERMSRV/host → NTLM fallback), 12 policy, 14 no
 * common etype, 18 client revoked (disabled/locked/hours), 23 password expired, 24 wrong
 * password, 31/41 integrity/key mismatch, 32 ticket expired, 68 wrong realm… Normal negotiation
 * errors are context: 25 PREAUTH_REQUIRED (first answer to an AS-REQ), 52 RESPONSE_TOO_BIG
 * (retry over TCP), 13 BADOPTION and 68 when the client carries on. 37 is kerberos.clock-skew.
 * Found on TCP/UDP 88, inside CredSSP (GSS) and in KDC-proxy messages.
 */
import { kerberosError } from '../../codes/kerberos-errors.js';
import type { FindingContext } from '../context.js';
import { kind, type Rule } from '../rule.js';
import { makeFinding, type Confidence, type Finding } from '../types.js';
import { allKrbErrors, lastRequestByClient, rdpSucceededAround, recoveredLater, relatedToRdp, type KrbErrorRef } from './kerberos-finding-helpers.js';
import { tsOf } from './rdp-finding-helpers.js';

export const KERBEROS_ERROR = kind({
  id: 'kerberos.error',
  title: 'Kerberos error',
  severity: 'error',
  category: 'kerberos',
  documented: true,
  cause: 'kerberos-error',
  // After the CredSSP error (40): a Kerberos error on a related flow explains less than the
  // server's own answer on the RDP connection; clock skew (35) is different — it explains it.
  rank: 42,
});

/** Normal protocol steps: reported as context only when nothing followed them. */
const NORMAL = new Set([25, 52]);
/** Errors a client routinely recovers from (referrals, option retries, NTLM fallback). */
const SOFT = new Set([7, 13, 68]);

const ADVICE: Record<number, string> = {
  6: 'the user principal does not exist in the realm (typo in the user name, wrong domain/UPN suffix)',
  7: 'the service principal (SPN) is unknown — for TERMSRV/<host> the client falls back to NTLM, which fails if NTLM is blocked or the name is an alias/IP without SPN',
  12: 'the KDC policy refused the request (logon hours, workstation restriction, Protected Users, authentication policy)',
  14: 'no common encryption type (e.g. RC4/DES disabled on one side, account without AES keys)',
  18: 'the account is disabled, locked out, expired or outside its logon hours (Windows puts the exact NTSTATUS in e-data)',
  23: 'the password has expired',
  24: 'wrong password (pre-authentication failed)',
  25: 'normal first answer to an AS-REQ without pre-authentication',
  31: 'checksum failed: wrong key or a stale ticket (password changed, duplicate account)',
  32: 'the ticket has expired',
  41: 'message modified: usually the target\'s key does not match (duplicate SPN, wrong account holding the SPN, machine password out of sync)',
  52: 'the reply was too big for UDP: the client should retry over TCP (a UDP-only path here breaks Kerberos)',
  68: 'wrong realm / referral',
};

/** The same client sent another Kerberos request after the error (on any connection). */
function laterRequest(ctx: FindingContext, ref: KrbErrorRef): boolean {
  return (lastRequestByClient(ctx).get(ref.v.conn.client.ip) ?? -1) > ref.err.frame;
}

export const rule: Rule = {
  kinds: [KERBEROS_ERROR],
  run(ctx: FindingContext): Finding[] {
    const out: Finding[] = [];
    for (const ref of allKrbErrors(ctx)) {
      const { v, err } = ref;
      if (err.code === 37) continue;
      const normal = NORMAL.has(err.code);
      // A normal step the client followed up is not worth a line.
      if (normal && ref.followedBy !== null) continue;
      if (normal && (recoveredLater(ctx, ref) || laterRequest(ctx, ref))) continue;
      const info = kerberosError(err.code);
      const rdp = relatedToRdp(ctx, ref);
      // A later successful exchange, or an RDP session of the same client that became active.
      const recovered = recoveredLater(ctx, ref) || rdpSucceededAround(ctx, ref);
      const soft = SOFT.has(err.code) && recovered;
      const explains = !normal && !soft;
      let confidence: Confidence = rdp ? 'high' : 'medium';
      if (recovered) confidence = 'low';
      const c = v.conn;
      const where = err.carrier === 'gss' ? 'inside CredSSP (from the RDP server)' : err.carrier === 'kkdcp' ? 'in a KDC-proxy message' : `on ${err.carrier.toUpperCase()} ${c.server.port}`;
      out.push(
        makeFinding({
          kind: KERBEROS_ERROR,
          conn: c,
          confidence,
          ...(explains ? {} : { cause: null }),
          frames: [...(ref.requestFrame !== null ? [ref.requestFrame] : []), err.frame],
          at: err.ts,
          title: `Kerberos ${info.name} (${err.code})`,
          detail:
            `KRB-ERROR ${info.name} (${err.code}) ${where}, frame ${err.frame}${ref.requestType ? `, answering the ${ref.requestType} of frame ${ref.requestFrame}` : ''}; realm ${err.realm}, service ${err.sname || '?'}${err.cname ? `, client ${err.cname}` : ''}${err.eText ? `, e-text "${err.eText}"` : ''}: ${ADVICE[err.code] ?? info.meaning}.` +
            (normal ? ' This is a normal protocol step, but the client did not follow it up in this capture.' : '') +
            (soft ? ' The client obtained a ticket afterwards, so it recovered (context).' : recovered && explains ? ' A later Kerberos exchange of the same client succeeded, so this error may not be the one that stopped the connection.' : '') +
            (rdp ? '' : ' No RDP connection is near this error in the capture.'),
          filter: {},
          evidence: [
            ...(ref.requestFrame !== null ? [{ frame: ref.requestFrame, at: tsOf(v, ref.requestFrame), what: ref.requestType ?? 'request' }] : []),
            { frame: err.frame, at: err.ts, what: `KRB-ERROR ${info.name} (${err.code})` },
          ],
          data: { errorCode: err.code, errorName: info.name, realm: err.realm, sname: err.sname, carrier: err.carrier, relatedToRdp: rdp, recovered },
        }),
      );
    }
    return out;
  },
};
