/**
 * Two-leg captures: a device in the path that captures on both its interfaces (`tcpdump -i any` on a
 * router or firewall: Linux cooked SLL/SLL2), or client and server captures merged into one file, hold
 * every forwarded packet twice — the same segment (sequence and acknowledgement numbers, flags, length
 * and, for IPv4, IP ID), seen a moment later with a TTL lowered by the hops in between, usually on
 * another interface. The second copy is not a retransmission: TCP analysis, counters and stream
 * reassembly skip it; only its TTL and leg are kept, so that each leg can be judged on its own TTLs.
 */
import type { Packet } from '../decode/packet.js';
import type { Endpoint } from './endpoint.js';

/** A copy arrives within this long of the original (forwarding delay; merged files: one-way latency). */
export const COPY_WINDOW_SECONDS = 2;

/** The leg a frame was captured on: the SLL2 interface index when the link layer has one, else file and interface. */
export function legOf(p: Packet, fileIndex: number, ifIndex: number): number {
  return p.sllIfIndex >= 0 ? p.sllIfIndex : fileIndex * 65536 + ifIndex;
}

/** Whether this segment is the copy, on another leg, of the sender's previous segment. */
export function isLegCopy(fwd: Endpoint, p: Packet, leg: number, ts: number): boolean {
  if (fwd.segFlags < 0 || p.flags !== fwd.segFlags || p.seq !== fwd.segSeq || p.ack !== fwd.segAck || p.segLength !== fwd.segLen) return false;
  const drop = fwd.segTtl - p.ttl;
  if (drop < 1 || drop > 64) return false;
  if (!(ts - fwd.segTs <= COPY_WINDOW_SECONDS && ts - fwd.segTs >= -0.001)) return false;
  // IPv4: the same IP ID proves the same datagram; IPv6 has none, so the copy must be on another leg.
  return p.ipVersion === 4 ? p.ipId === fwd.segIpId : leg !== fwd.segLeg;
}

/** Notes a kept segment's identity (the next copy is compared with it). */
export function noteSegment(fwd: Endpoint, p: Packet, leg: number, ts: number): void {
  fwd.segSeq = p.seq;
  fwd.segAck = p.ack;
  fwd.segFlags = p.flags;
  fwd.segLen = p.segLength;
  fwd.segIpId = p.ipId;
  fwd.segTtl = p.ttl;
  fwd.segTs = ts;
  fwd.segLeg = leg;
  if (fwd.nearLeg < 0) fwd.nearLeg = leg;
}

/** Records a copy (its TTL and leg) without counting it as a packet. */
export function noteCopy(fwd: Endpoint, p: Packet, leg: number): void {
  fwd.copies++;
  if (p.ttl < fwd.copyMinTtl) fwd.copyMinTtl = p.ttl;
  if (p.ttl > fwd.copyMaxTtl) fwd.copyMaxTtl = p.ttl;
  if (fwd.copyLeg < 0) fwd.copyLeg = leg;
  // Further copies (a third capture point) compare with this one.
  fwd.segTtl = p.ttl;
  fwd.segLeg = leg;
}
