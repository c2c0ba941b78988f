/**
 * The connection reached the active phase (MS-RDPBCGR 1.3.1.1 connection finalization: the
 * server's Font Map / graphics output seen, or inferred from the volume of server data without
 * keys — protocol-facts §4.0, §4.13): a working session, so the verdict can say "healthy" when
 * nothing else explains a failure. Not reported when the server denied the session (Set Error
 * Info denial) or dropped it within seconds of activation without any graphics.
 */
import type { FindingContext } from '../context.js';
import { isRdpish } from '../context.js';
import { kind, type Rule } from '../rule.js';
import { makeFinding, type Finding } from '../types.js';
import { closeText } from './rdp-finding-helpers.js';
import { serverDroppedAfterActivation } from './server-finding-helpers.js';

export const HEALTHY_SESSION_ACTIVE = kind({
  id: 'healthy.session-active',
  title: 'The RDP session reached the active phase',
  severity: 'info',
  category: 'rdp',
  documented: true,
  cause: 'healthy',
  rank: 100,
});

/** errorInfo values that are normal session ends. */
const BENIGN = new Set([0, 0x1, 0x2, 0x3, 0x4, 0x5, 0xb, 0xc]);

export const rule: Rule = {
  kinds: [HEALTHY_SESSION_ACTIVE],
  run(ctx: FindingContext): Finding[] {
    const out: Finding[] = [];
    for (const v of ctx.conns) {
      if (!isRdpish(v) || !v.rec) continue;
      const rec = v.rec.machine.has('active') ? v.rec : v.rec.inner?.machine.has('active') ? v.rec.inner : null;
      if (!rec) continue;
      if (rec.rdp.errorInfo.some((e) => !BENIGN.has(e.value))) continue;
      if (rec === v.rec && serverDroppedAfterActivation(v)) continue;
      const active = rec.machine.phases.find((p) => p.name === 'active')!;
      const inner = rec !== v.rec;
      out.push(
        makeFinding({
          kind: HEALTHY_SESSION_ACTIVE,
          conn: v.conn,
          confidence: active.inferred ? 'medium' : 'high',
          frames: [active.frame],
          at: active.ts,
          detail:
            `${inner ? 'The RDP connection tunnelled through the gateway' : 'The connection'} reached the active phase at frame ${active.frame}` +
            (active.inferred ? ' (inferred from the amount of server data: the PDUs are encrypted)' : '') +
            `; phases ${rec.machine.phases.map((p) => p.name).join(' → ')}. ` +
            `Then ${closeText(v)}.`,
          filter: { tls: true },
          evidence: [{ frame: active.frame, at: active.ts, what: `active phase${active.inferred ? ' (inferred)' : ''}` }],
          data: { activeFrame: active.frame, inferred: active.inferred, inner, closedBy: v.close.closedBy, closeKind: v.close.closeKind },
        }),
      );
    }
    return out;
  },
};
