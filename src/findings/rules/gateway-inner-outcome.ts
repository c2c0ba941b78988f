/**
 * What happened to the RDP connection tunnelled through the gateway (protocol-facts §8: the
 * inner X.224 … TLS … CredSSP runs inside RDG DATA packets): the phase it reached, from the
 * inner connection record. Context: the inner failure itself is reported by the RDP/TLS/CredSSP
 * /server rules when its PDUs are readable (inner TLS keys), otherwise only the phase is known.
 */
import type { FindingContext } from '../context.js';
import { kind, type Rule } from '../rule.js';
import { makeFinding, type Finding } from '../types.js';
import { protocolsText, tsOf } from './rdp-finding-helpers.js';

export const GATEWAY_INNER_OUTCOME = kind({
  id: 'gateway.inner-outcome',
  title: 'Outcome of the RDP connection inside the gateway tunnel',
  severity: 'info',
  category: 'gateway',
  documented: false,
  cause: null,
  rank: 100,
});

export const rule: Rule = {
  kinds: [GATEWAY_INNER_OUTCOME],
  run(ctx: FindingContext): Finding[] {
    const out: Finding[] = [];
    for (const v of ctx.conns) {
      const inner = v.rec?.inner;
      if (!inner) continue;
      const phases = inner.machine.phases;
      const last = phases[phases.length - 1];
      if (!last) continue;
      const active = inner.machine.has('active');
      const rdg = v.rec!.rdg;
      const at = tsOf(v, last.frame);
      out.push(
        makeFinding({
          kind: GATEWAY_INNER_OUTCOME,
          conn: v.conn,
          confidence: phases.some((p) => p.inferred) ? 'medium' : 'high',
          frames: [phases[0]!.frame, last.frame],
          at,
          title: active ? 'The tunnelled RDP connection reached the active phase' : `The tunnelled RDP connection stopped after phase '${last.name}'`,
          detail:
            `Inside the gateway tunnel (${rdg.targetServers.length ? `target ${rdg.targetServers.join(', ')}` : 'target not seen'}), the RDP connection went through ${phases.map((p) => `${p.name}${p.inferred ? ' (inferred)' : ''}@${p.frame}`).join(' → ')}. ` +
            `requestedProtocols ${protocolsText(inner.rdp.requestedProtocols)}, selected ${inner.rdp.selectedProtocol === null ? '?' : protocolsText(inner.rdp.selectedProtocol)}. ` +
            `Tunnel data: ${rdg.dataBytes.client} bytes client→host, ${rdg.dataBytes.server} bytes host→client.` +
            (active ? '' : ' The inner phases after the TLS handshake are known only from record sizes unless the inner TLS keys are available.'),
          filter: { tls: true },
          evidence: phases.slice(0, 6).map((p) => ({ frame: p.frame, at: tsOf(v, p.frame), what: `inner phase ${p.name}${p.inferred ? ' (inferred)' : ''}` })),
          data: { phases: phases.map((p) => p.name), active, bytesToHost: rdg.dataBytes.client, bytesFromHost: rdg.dataBytes.server },
        }),
      );
    }
    return out;
  },
};
