/**
 * Where a connection was captured (inferred; every rule reads this instead of assuming the client
 * side): next to the client, next to the server, on a device in the path, or on an in-path device
 * that captured both its legs (`tcpdump -i any` on a router or firewall, or client and server
 * captures merged: every forwarded packet twice, TTL lowered in between — reassembly/leg-copy.ts).
 *
 * Evidence, per connection:
 *  - TTLs still at a common initial value (64, 128, 255) on one side's packets: that side is on the
 *    capturing host or one link away (no router decremented them);
 *  - the split of the handshake round trip: SYN → SYN-ACK is the round trip from the capture point
 *    to the server, SYN-ACK → ACK the one to the client; a capture next to the server sees the first
 *    tiny, one next to the client the second;
 *  - copies of the same segment on two legs.
 * Initial TTLs 64/128/255 are the usual defaults of Linux/macOS, Windows and network devices; a
 * stack with another default reads as "some hops away", which only makes the point less certain.
 */
import type { Connection } from '../reassembly/connection.js';
import type { Endpoint } from '../reassembly/endpoint.js';

export type VantagePoint = 'client' | 'server' | 'in-path' | 'in-path-both-legs' | 'unknown';

export interface Vantage {
  point: VantagePoint;
  /** "captured near the server", for every renderer. */
  text: string;
  /** Why, in words (one clause per piece of evidence). */
  basis: string[];
  /** Round trip from the capture point to the server (SYN → SYN-ACK) and to the client (SYN-ACK → ACK), seconds; NaN unknown. */
  rttToServer: number;
  rttToClient: number;
  /** Copies of segments seen on a second leg (both directions). */
  copies: number;
}

const INITIAL_TTLS = [64, 128, 255];
/** Below this, a round trip says nothing about which side is nearer (same host, same LAN). */
const RTT_FLOOR = 0.001;
/** One part of the handshake round trip is "tiny" when it is below this fraction of the other. */
const RTT_SPLIT = 0.2;

const TEXT: Record<VantagePoint, string> = {
  client: 'captured near the client',
  server: 'captured near the server',
  'in-path': 'captured on a device in the path',
  'in-path-both-legs': 'captured on an in-path device, both legs',
  unknown: 'capture point unknown',
};

export function vantageText(p: VantagePoint): string {
  return TEXT[p];
}

/** TTL of a side's packets when it is constant and at an initial value (the sender is local), else null. */
function localTtl(e: Endpoint): number | null {
  if (e.maxTtlNoRst < 0 || e.minTtlNoRst !== e.maxTtlNoRst) return null;
  return INITIAL_TTLS.includes(e.minTtlNoRst) ? e.minTtlNoRst : null;
}

/** Whether a side's segments were (nearly all) seen twice. */
export function seenOnTwoLegs(e: Endpoint): boolean {
  return e.copies >= 2 && e.copies >= (e.packets - e.resets) * 0.3;
}

export function vantageOf(c: Connection): Vantage {
  const basis: string[] = [];
  const copies = c.client.copies + c.server.copies;
  const rttToServer = Number.isFinite(c.synToSynAck) ? c.synToSynAck : NaN;
  const rttToClient = Number.isFinite(c.irtt) && Number.isFinite(c.synToSynAck) ? Math.max(0, c.irtt - c.synToSynAck) : NaN;
  const out = (point: VantagePoint): Vantage => ({ point, text: TEXT[point], basis, rttToServer, rttToClient, copies });
  if (c.transport !== 'tcp') return out('unknown');
  const kept = c.client.packets - c.client.resets + c.server.packets - c.server.resets;
  if (seenOnTwoLegs(c.client) || seenOnTwoLegs(c.server) || (copies >= 2 && copies >= kept * 0.3)) {
    basis.push(
      `${copies} segment(s) seen twice, the second copy with a lower TTL (client ${c.client.minTtlNoRst}→${c.client.copyMaxTtl >= 0 ? c.client.copyMaxTtl : '-'}, server ${c.server.minTtlNoRst}→${c.server.copyMaxTtl >= 0 ? c.server.copyMaxTtl : '-'})`,
    );
    return out('in-path-both-legs');
  }
  const cl = localTtl(c.client);
  const sv = localTtl(c.server);
  if (cl !== null) basis.push(`the client's packets arrive with TTL ${cl}, an initial value (no router in between)`);
  if (sv !== null) basis.push(`the server's packets arrive with TTL ${sv}, an initial value (no router in between)`);
  let byRtt: 'client' | 'server' | 'middle' | null = null;
  if (Number.isFinite(rttToServer) && Number.isFinite(rttToClient) && Math.max(rttToServer, rttToClient) >= RTT_FLOOR) {
    if (rttToServer < rttToClient * RTT_SPLIT) byRtt = 'server';
    else if (rttToClient < rttToServer * RTT_SPLIT) byRtt = 'client';
    else byRtt = 'middle';
    basis.push(`handshake round trip ${(rttToServer * 1000).toFixed(1)} ms to the server (SYN → SYN-ACK) and ${(rttToClient * 1000).toFixed(1)} ms to the client (SYN-ACK → ACK)`);
  }
  if (cl !== null && sv === null) return out(byRtt === 'server' ? 'unknown' : 'client');
  if (sv !== null && cl === null) return out(byRtt === 'client' ? 'unknown' : 'server');
  if (byRtt === 'client' || byRtt === 'server') return out(byRtt);
  // Both sides some hops away and neither round trip tiny: a device in the path (gateway, firewall, SPAN port).
  if (cl === null && sv === null && byRtt === 'middle') return out('in-path');
  return out('unknown');
}
