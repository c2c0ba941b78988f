/**
 * PMTU black hole that the sender worked around by falling back to small segments
 * (protocol-facts §2.6, §3.6, §10 row 12; inferred): full-size segments are retransmitted
 * with backoff and never acknowledged (sender-side view), or a full segment's worth of data
 * is missing while later data arrives (receiver-side view); seconds later the same data goes
 * through in segments of ≤ 600 bytes — the black-hole detection of the sending stack (or a
 * retry) at work. No ICMP "fragmentation needed" is involved. Works on every TCP connection,
 * followed or not, from per-direction counters kept by the tracker.
 */
import type { FindingContext } from '../context.js';
import { ALSO } from '../filters.js';
import { isRdpish } from '../context.js';
import { kind, type Rule } from '../rule.js';
import { makeFinding, type Finding } from '../types.js';

export const MTU_BLACKHOLE_RECOVERED = kind({
  id: 'mtu.blackhole-recovered',
  title: 'Path MTU black hole: full-size segments vanish until the sender falls back to small ones',
  severity: 'error',
  category: 'network-path',
  documented: false,
  cause: 'mtu-blackhole',
  rank: 22,
});

export const rule: Rule = {
  kinds: [MTU_BLACKHOLE_RECOVERED],
  run(ctx: FindingContext): Finding[] {
    const out: Finding[] = [];
    for (const v of ctx.conns) {
      const c = v.conn;
      if (c.transport !== 'tcp') continue;
      // An ICMP frag-needed for this flow means PMTUD works (pmtud.* rules handle it).
      if (ctx.icmpFor(c).some((e) => (e.mtu > 0 || (e.type === 3 && e.code === 4) || (e.v6 && e.type === 2)))) continue;
      for (const [e, side] of [
        [c.server, 'server'],
        [c.client, 'client'],
      ] as const) {
        const b = e.bh;
        if (b === null) continue;
        const senderView = b.fullRetrans >= 2 && b.smallAfterFull >= 1;
        const receiverView = b.lostFull >= 1 && b.smallRefill >= 1;
        if (!senderView && !receiverView) continue;
        const from = side === 'server' ? c.server.ip : c.client.ip;
        const mssC = c.client.mss > 0 ? c.client.mss : null;
        const mssS = c.server.mss > 0 ? c.server.mss : null;
        const small = b.smallSize || 576;
        const frames = senderView ? [b.fullRetransFrame, b.smallFrame] : [b.lostFullFrame, b.smallRefillFrame];
        const detail = senderView
          ? `${from} (${side}) retransmitted full-size segments (IP length ${b.fullSize}) ${b.fullRetrans} times without an acknowledgement (first at frame ${b.fullRetransFrame}), then re-sent the data in small segments (IP length ${small}, frame ${b.smallFrame}) which got through.`
          : `A full segment's worth of data (${b.lostFullSize} bytes) from ${from} (${side}) never arrived (frame ${b.lostFullFrame}: later data arrived first), and ${b.refillStall.toFixed(1)} s later the missing data came in small segments (IP length ${small}, frame ${b.smallRefillFrame}).`;
        out.push(
          makeFinding({
            kind: MTU_BLACKHOLE_RECOVERED,
            conn: c,
            confidence: isRdpish(v) ? 'medium' : 'low',
            frames,
            at: c.end,
            detail:
              detail +
              ` MSS announced: client ${mssC ?? '?'}, server ${mssS ?? '?'}; no ICMP "fragmentation needed" was seen. ` +
              'This is how a path MTU black hole looks when the sending stack\'s black-hole detection (or a retry with a smaller MSS) rescues the transfer: large packets are dropped silently somewhere on the path while small ones pass.',
            filter: { also: [ALSO.retransmission, ALSO.lostSegment] },
            evidence: frames.filter((f) => f > 0).map((f, i) => ({ frame: f, at: c.end, what: i === 0 ? (senderView ? 'full-size segment retransmitted, never acknowledged' : 'full-size segment missing') : 'same data in small segments, delivered' })),
            data: { recommendedMtu: Math.max(576, small), recommendedMss: Math.max(536, small - 40), lostSize: senderView ? b.fullSize : b.lostFullSize + 40, side },
          }),
        );
      }
    }
    return out;
  },
};
