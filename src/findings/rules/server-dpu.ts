/**
 * MCS Disconnect Provider Ultimatum from the server without a (non-zero) Set Error Info
 * (T.125; FreeRDP mcs.c; protocol-facts §4.11, §10 row 24): the server ended the connection
 * without giving a reason. After the active phase it is the normal end of a session (context);
 * before it, the server cut the connection sequence (server-denied, medium: the reason PDU may
 * simply not have been sent or seen). Visible after TLS decryption or with Standard RDP Security.
 */
import { dpuReason } from '../../codes/dpu-reason.js';
import type { FindingContext } from '../context.js';
import { kind, type Rule } from '../rule.js';
import { makeFinding, type Finding } from '../types.js';
import { lastPhase, tsOf } from './rdp-finding-helpers.js';

export const SERVER_DPU = kind({
  id: 'server.dpu',
  title: 'The server disconnected with an MCS Disconnect Provider Ultimatum, without a reason',
  severity: 'error',
  category: 'server',
  documented: true,
  cause: 'server-denied',
  rank: 45,
});

export const rule: Rule = {
  kinds: [SERVER_DPU],
  run(ctx: FindingContext): Finding[] {
    const out: Finding[] = [];
    for (const v of ctx.conns) {
      for (const rec of [v.rec, v.rec?.inner ?? null]) {
        const dpu = rec?.rdp.dpu;
        if (!rec || !dpu || dpu.dir !== 1) continue;
        if (rec.rdp.errorInfo.some((e) => e.value !== 0)) continue;
        const active = rec.machine.has('active');
        const phases = rec.machine.phases.filter((p) => p.frame < dpu.frame);
        const before = phases[phases.length - 1]?.name ?? lastPhase(v)?.name ?? 'none';
        const at = tsOf(v, dpu.frame);
        const r = dpuReason(dpu.reason);
        out.push(
          makeFinding({
            kind: SERVER_DPU,
            conn: v.conn,
            confidence: active ? 'high' : 'medium',
            ...(active ? { cause: null, title: 'The server ended the session with a Disconnect Provider Ultimatum' } : {}),
            frames: [dpu.frame],
            at,
            detail:
              `The server sent an MCS Disconnect Provider Ultimatum, reason ${dpu.reason} ${r.name} (frame ${dpu.frame}${dpu.decrypted ? ', decrypted' : ''}), with no Set Error Info before it; the connection had reached phase '${before}'. ` +
              (active
                ? 'The session had been active, so this is the server ending it (normal close or logoff), not a connection failure.'
                : 'The server cut the connection sequence without saying why: look at the server\'s RDP logs at that time. mstsc usually shows 0x3 "disconnected by server" or 0x904 (mapping inferred).'),
            filter: { tls: true },
            evidence: [{ frame: dpu.frame, at, what: `Disconnect Provider Ultimatum ${r.name}` }],
            data: { reason: dpu.reason, reasonName: r.name, phase: before, active },
          }),
        );
      }
    }
    return out;
  },
};
