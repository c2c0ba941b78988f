/**
 * Server Set Error Info PDU (MS-RDPBCGR 2.2.5.1.1; protocol-facts §0.1, §4.12, §10 rows 25, 27):
 * the server states why it is ending the connection. Readable after TLS decryption (or with
 * Standard RDP Security at encryption level NONE). Denials (0x7 SERVER_DENIED_CONNECTION, 0x9
 * insufficient privileges, 0xA fresh credentials, licensing 0x100+, broker 0x400+, protocol
 * errors 0x10C9+) → server-denied; normal ends (logoff by user, admin disconnect, idle/logon
 * timeouts, replaced by another connection, shutdown) are context. The extended disconnect
 * reason mstsc shows very probably equals this value (numbering documented, copying inferred).
 */
import { errinfo } from '../../codes/errinfo.js';
import type { FindingContext } from '../context.js';
import { CLOSES } from '../filters.js';
import { kind, type Rule } from '../rule.js';
import { makeFinding, type Finding } from '../types.js';
import { closeText, hex, tsOf } from './rdp-finding-helpers.js';

export const SERVER_SET_ERROR_INFO = kind({
  id: 'server.set-error-info',
  title: 'The server sent a Set Error Info PDU',
  severity: 'error',
  category: 'server',
  documented: true,
  cause: 'server-denied',
  rank: 45,
});

/** errorInfo values that end a session normally or by policy timers: context only. */
const CONTEXT_CODES = new Set([0x1, 0x2, 0x3, 0x4, 0x5, 0xb, 0xc, 0x19, 0x1a]);
const RNS_UD_CS_SUPPORT_ERRINFO_PDU = 0x0001;

const ADVICE: Record<number, string> = {
  0x3: 'the idle session limit was reached',
  0x4: 'the active session time limit was reached',
  0x5: 'another connection took over this session',
  0x7: 'the server refused the connection after the security phase; the PDU does not say which policy — look at the server\'s TerminalServices-RemoteConnectionManager / LocalSessionManager logs at that time (connection limits, "Deny log on through RDS", single-session policy, licensing mode…)',
  0x9: 'the user lacks the privileges to connect (Remote Desktop Users membership, "Allow log on through Remote Desktop Services")',
  0xa: 'the server refuses saved credentials: the user must type them',
  0xc: 'the user logged off',
};

export const rule: Rule = {
  kinds: [SERVER_SET_ERROR_INFO],
  run(ctx: FindingContext): Finding[] {
    const out: Finding[] = [];
    for (const v of ctx.conns) {
      for (const rec of [v.rec, v.rec?.inner ?? null]) {
        if (!rec) continue;
        const flags = rec.rdp.earlyCapabilityFlags;
        const announced = flags === null ? null : (flags & RNS_UD_CS_SUPPORT_ERRINFO_PDU) !== 0;
        for (const e of rec.rdp.errorInfo) {
          if (e.value === 0) continue;
          const info = errinfo(e.value);
          const context = CONTEXT_CODES.has(e.value);
          const at = tsOf(v, e.frame);
          const inner = rec !== v.rec;
          out.push(
            makeFinding({
              kind: SERVER_SET_ERROR_INFO,
              conn: v.conn,
              confidence: 'high',
              ...(context ? { cause: null } : {}),
              frames: [e.frame, ...(rec.rdp.dpu ? [rec.rdp.dpu.frame] : [])],
              at,
              title: `Server Set Error Info ${info.name} (${hex(e.value)})`,
              detail:
                `${inner ? 'Inside the gateway tunnel, the' : 'The'} server sent Set Error Info errorInfo ${hex(e.value)} ${info.name} (frame ${e.frame}${e.decrypted ? ', decrypted' : ''}): ${ADVICE[e.value] ?? info.meaning}.${info.verified ? '' : ' (this code is UNVERIFIED in MS-RDPBCGR)'} ` +
                (rec.rdp.dpu ? `A Disconnect Provider Ultimatum followed (frame ${rec.rdp.dpu.frame}). ` : '') +
                (inner ? '' : `Then ${closeText(v)}. `) +
                `mstsc very probably shows extended disconnect reason ${e.value} (${hex(e.value, 1)}) — same numbering, copying inferred; FreeRDP reports ${hex(0x10000 | (e.value & 0xffff))} (ERRINFO class). ` +
                (announced === null ? 'Whether the client announced RNS_UD_CS_SUPPORT_ERRINFO_PDU is not visible.' : announced ? 'The client had announced RNS_UD_CS_SUPPORT_ERRINFO_PDU.' : 'The client had NOT announced RNS_UD_CS_SUPPORT_ERRINFO_PDU (the server sent it anyway).'),
              filter: { also: CLOSES, tls: true },
              evidence: [
                { frame: e.frame, at, what: `Set Error Info ${info.name}` },
                ...(rec.rdp.dpu ? [{ frame: rec.rdp.dpu.frame, at: tsOf(v, rec.rdp.dpu.frame), what: `Disconnect Provider Ultimatum reason ${rec.rdp.dpu.reason}` }] : []),
              ],
              data: { errorInfo: e.value, name: info.name, extendedDisconnectReason: e.value, clientSupportsErrinfo: announced, inner, context },
            }),
          );
        }
      }
    }
    return out;
  },
};
