/**
 * Delays longer than the client's own timers (protocol-facts §3.5): the TCP handshake took longer
 * than FreeRDP's connect timeout (TcpConnectTimeout 15 s), or data the client sent stayed
 * unacknowledged longer than FreeRDP's TcpAckTimeout (9 s) — FreeRDP defaults documented in
 * libfreerdp/core/settings.c; mstsc's values are UNVERIFIED. Context (cause null): it tells why the
 * client gave up; the loss/path rules say why the packets did not come back. Inferred.
 */
import type { FindingContext } from '../context.js';
import { ALSO } from '../filters.js';
import { kind, type Rule } from '../rule.js';
import { makeFinding, type Finding } from '../types.js';
import { retransmissions } from './mtu-blackhole.js';
import { dirOf, isRelevant, phaseAt } from './tcp-phase.js';

export const RTT_EXCEEDS_TIMEOUT = kind({
  id: 'tcp.rtt-exceeds-timeout',
  title: 'Delays exceed the client\'s timeouts',
  severity: 'warning',
  category: 'transport',
  documented: false,
  cause: null,
  rank: 100,
});

/** FreeRDP defaults (protocol-facts §3.5). */
export const FREERDP_CONNECT_TIMEOUT = 15;
export const FREERDP_ACK_TIMEOUT = 9;

export const rule: Rule = {
  kinds: [RTT_EXCEEDS_TIMEOUT],
  run(ctx: FindingContext): Finding[] {
    const out: Finding[] = [];
    for (const v of ctx.conns) {
      const c = v.conn;
      if (c.transport !== 'tcp' || !v.rec || !isRelevant(v) || c.syns.length === 0) continue;
      const parts: string[] = [];
      const frames: number[] = [];
      const evidence: Finding['evidence'] = [];
      let at = c.start;
      let connectSec: number | null = null;
      let unackedSec: number | null = null;
      if (c.synAck) {
        connectSec = c.synAck.ts - c.syns[0]!.ts;
        if (connectSec > FREERDP_CONNECT_TIMEOUT) {
          parts.push(`the SYN-ACK (frame ${c.synAck.frame}) came ${connectSec.toFixed(1)} s after the first SYN (frame ${c.syns[0]!.frame}), more than FreeRDP's ${FREERDP_CONNECT_TIMEOUT} s connect timeout`);
          frames.push(c.syns[0]!.frame, c.synAck.frame);
          evidence.push({ frame: c.synAck.frame, at: c.synAck.ts, what: `SYN-ACK after ${connectSec.toFixed(1)} s` });
          at = c.synAck.ts;
        }
      }
      // Client data unacknowledged: the client retransmitted, and the server's ACK never covered it.
      const rtx = retransmissions(v, 0).filter((r) => r.length > 0);
      const outstanding = ((c.client.nextSeq - c.server.lastAck) >>> 0) > 1;
      if (rtx.length > 0) {
        const lastR = rtx[rtx.length - 1]!;
        // The original transmission: the last client event before the first retransmission of that chain.
        let ci = rtx.length - 1;
        while (ci > 0 && rtx[ci - 1]!.length === lastR.length) ci--;
        const chainStart = rtx[ci]!;
        const orig = [...v.rec.timeline.events].reverse().find((e) => dirOf(e) === 0 && e.frame < chainStart.frame && !e.type.startsWith('tcp.'));
        const sentAt = orig ? orig.ts : chainStart.ts;
        const closedAt = c.firstFin || c.rsts.length ? c.end : ctx.captureEnd;
        const endAt = outstanding ? closedAt : lastR.ts;
        unackedSec = endAt - sentAt;
        if (unackedSec > FREERDP_ACK_TIMEOUT) {
          parts.push(`client data sent at frame ${orig?.frame ?? chainStart.frame} (${phaseAt(v, orig?.frame ?? chainStart.frame)} phase) was retransmitted (last frame ${lastR.frame}) and ${outstanding ? 'never acknowledged' : 'acknowledged only'} ${unackedSec.toFixed(1)} s later${outstanding ? ' (to the end of the connection)' : ''}, more than FreeRDP's ${FREERDP_ACK_TIMEOUT} s TcpAckTimeout`);
          frames.push(orig?.frame ?? chainStart.frame, ...rtx.map((r) => r.frame));
          evidence.push({ frame: orig?.frame ?? chainStart.frame, at: sentAt, what: `client data (${orig?.type ?? 'segment'})` }, ...rtx.slice(-4).map((r) => ({ frame: r.frame, at: r.ts, what: `client retransmission (${r.length} bytes)` })));
          at = Math.max(at, lastR.ts);
        }
      }
      if (parts.length === 0) continue;
      out.push(makeFinding({
        kind: RTT_EXCEEDS_TIMEOUT, conn: c, confidence: 'medium', frames: frames.slice(0, 20), at, evidence,
        detail: `${parts.join('; ')}. A FreeRDP client with default settings gives up at these points (mstsc's timeouts are UNVERIFIED); the delay itself comes from loss or an unresponsive path.`,
        filter: { also: [ALSO.syn, ALSO.retransmission] },
        data: { connectSec, unackedSec, connectTimeout: FREERDP_CONNECT_TIMEOUT, ackTimeout: FREERDP_ACK_TIMEOUT, server: c.server.ip, port: c.server.port },
      }));
    }
    return out;
  },
};
