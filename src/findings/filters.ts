/**
 * Wireshark display filters for findings, composed in one place.
 *
 * Every filter a finding carries must be valid in Wireshark (4.0 syntax, default preferences)
 * and select the frames the finding cites. So a filter is built from fields Wireshark fills in
 * on any port with default settings:
 *  - the conversation, written as Wireshark's "Conversation Filter" writes it
 *    (`ip.addr==A && ip.addr==B && tcp.port==X && tcp.port==Y`; ICMP errors quoting the
 *    connection match too, since Wireshark dissects the quoted headers);
 *  - the cited frames, `frame.number in {…}` (4.0 needs commas between set elements; ranges
 *    `a..b` for runs);
 *  - optionally a few context terms that need no protocol dissector: TCP flags, TCP analysis
 *    flags, ICMP (see ALSO).
 *
 * Protocol names are never used: RDP's TLS on 3389 is dissected as TLS only after Decode As
 * (with default settings Wireshark shows it as "TPKT Continuation"), CredSSP sits inside it,
 * HTTP through a gateway needs the TLS keys, and `x224` is no Wireshark protocol at all
 * (`cotp`, `tpkt`, `rdp`, `t125` are). A filter with `tls` on 3389 would silently match
 * nothing; instead a finding about TLS content on a port Wireshark does not dissect as TLS
 * carries a Decode As hint (`decodeAs`, in tshark's `-d` syntax).
 *
 * `tcp.stream` is not used: it is Wireshark's own numbering (order of first appearance, a new
 * number when a closed 4-tuple is reused, and it differs between versions and when a capture
 * is cut or merged), while addresses and ports mean the same thing everywhere.
 */
import type { Connection } from '../reassembly/connection.js';

/** Context terms that Wireshark evaluates with default settings on any port. */
export const ALSO = {
  syn: 'tcp.flags.syn==1',
  fin: 'tcp.flags.fin==1',
  reset: 'tcp.flags.reset==1',
  payload: 'tcp.len>0',
  retransmission: 'tcp.analysis.retransmission',
  lostSegment: 'tcp.analysis.lost_segment',
  ackLostSegment: 'tcp.analysis.ack_lost_segment',
  duplicateAck: 'tcp.analysis.duplicate_ack',
  keepAlive: 'tcp.analysis.keep_alive',
  icmpUnreachable: '(icmp.type==3 || icmpv6.type==1 || icmpv6.type==2)',
} as const;

/** The closing segments of a TCP connection (FIN or RST). */
export const CLOSES: readonly string[] = [ALSO.fin, ALSO.reset];

/** Largest number of set elements written out; beyond it the frames are given as a range. */
const MAX_SET_ITEMS = 48;

/** Ports on which Wireshark dissects TLS with default settings (the ones our findings meet). */
const TLS_DEFAULT_PORTS = new Set([443, 636, 853, 993, 995, 465, 5061, 8443]);

export interface FilterSpec {
  /** Context terms (from ALSO) shown next to the cited frames within the conversation. */
  also?: readonly string[];
  /** The finding is about TLS (or CredSSP/HTTP inside it): say whether a Decode As is needed. */
  tls?: boolean;
  /** Instead of the conversation (connection-less findings): a base filter, already valid. */
  base?: string;
}

export interface ComposedFilter {
  filter: string;
  /** tshark `-d` syntax (`tcp.port==3389,tls`) or null when Wireshark dissects it by default. */
  decodeAs: string | null;
}

/** The conversation of a connection as Wireshark's Conversation Filter writes it. */
export function conversationFilter(c: Connection): string {
  const ip = c.v6 ? 'ipv6' : 'ip';
  const proto = c.transport;
  return `${ip}.addr==${c.client.ip} && ${ip}.addr==${c.server.ip} && ${proto}.port==${c.client.port} && ${proto}.port==${c.server.port}`;
}

/** `frame.number in {…}` for the given frames (sorted, deduplicated, runs as ranges). */
export function framesFilter(frames: readonly number[]): string {
  const u = [...new Set(frames.filter((f) => Number.isInteger(f) && f > 0))].sort((a, b) => a - b);
  if (u.length === 0) return 'frame.number==0';
  if (u.length === 1) return `frame.number==${u[0]}`;
  const items: string[] = [];
  for (let i = 0; i < u.length; ) {
    let j = i;
    while (j + 1 < u.length && u[j + 1] === u[j]! + 1) j++;
    items.push(j - i >= 2 ? `${u[i]}..${u[j]}` : j > i ? `${u[i]}, ${u[j]}` : `${u[i]}`);
    i = j + 1;
  }
  if (items.length > MAX_SET_ITEMS) return `(frame.number>=${u[0]} && frame.number<=${u[u.length - 1]})`;
  return `frame.number in {${items.join(', ')}}`;
}

/** Whether Wireshark needs a Decode As to show this connection's TLS (null: no). */
export function tlsDecodeAs(c: Connection): string | null {
  if (c.transport !== 'tcp') return null;
  if (TLS_DEFAULT_PORTS.has(c.server.port)) return null;
  return `tcp.port==${c.server.port},tls`;
}

/** A finding's filter: its conversation (or base), the cited frames, and context terms. */
export function composeFilter(conn: Connection | null, frames: readonly number[], spec: FilterSpec = {}): ComposedFilter {
  const also = spec.also ?? [];
  const cited = frames.length ? framesFilter(frames) : null;
  const inner = [cited, ...also].filter((x): x is string => x !== null);
  const scope = spec.base ?? (conn ? conversationFilter(conn) : null);
  let filter: string;
  if (!scope) filter = inner.length ? inner.join(' || ') : 'frame';
  else if (inner.length === 0) filter = scope;
  else filter = `${spec.base ? `(${scope})` : scope} && ${inner.length === 1 ? inner[0] : `(${inner.join(' || ')})`}`;
  return { filter, decodeAs: spec.tls && conn ? tlsDecodeAs(conn) : null };
}

/** The sentence a renderer shows for a Decode As hint. */
export function decodeAsText(decodeAs: string): string {
  const [field, proto] = decodeAs.split(',');
  const port = (field ?? '').replace(/^tcp\.port==/, '');
  return `Wireshark shows this connection's ${(proto ?? 'tls').toUpperCase()} only after Decode As: TCP port ${port} as ${(proto ?? 'tls').toUpperCase()} (tshark: -d ${decodeAs}).`;
}
