/**
 * Helpers for the Kerberos rules: every KRB-ERROR of the capture (port 88, inside CredSSP,
 * KDC proxy, inside a gateway tunnel) with its connection, and whether it belongs to an RDP
 * attempt (an RDP/gateway connection between 120 s after and 30 s before it, a TERMSRV SPN, or
 * carried inside CredSSP / KDC proxy) — only those get high confidence (protocol-facts §7, §10.1).
 */
import type { KerberosFacts } from '../../session/facts.js';
import type { ConnView, FindingContext } from '../context.js';
import { isRdpish } from '../context.js';

export interface KrbErrorRef {
  v: ConnView;
  err: KerberosFacts['errors'][number];
  /** The request this error answers (previous message in the record), when seen. */
  requestFrame: number | null;
  requestType: string | null;
  /** Index of the error in its record's message list and whether a later message followed. */
  followedBy: string | null;
}

export function allKrbErrors(ctx: FindingContext): KrbErrorRef[] {
  const out: KrbErrorRef[] = [];
  for (const v of ctx.conns) {
    for (const rec of [v.rec, v.rec?.inner ?? null]) {
      if (!rec) continue;
      const msgs = rec.kerberos.messages;
      for (const err of rec.kerberos.errors) {
        const i = msgs.findIndex((m) => m.frame === err.frame && m.type === 'KRB-ERROR');
        const req = i > 0 ? msgs[i - 1]! : null;
        const next = i >= 0 && i + 1 < msgs.length ? msgs[i + 1]! : null;
        out.push({ v, err, requestFrame: req && /REQ/.test(req.type) ? req.frame : null, requestType: req && /REQ/.test(req.type) ? req.type : null, followedBy: next ? next.type : null });
      }
    }
  }
  return out.sort((a, b) => a.err.frame - b.err.frame);
}

export function relatedToRdp(ctx: FindingContext, ref: KrbErrorRef): boolean {
  if (isRdpish(ref.v) || ref.err.carrier === 'gss' || ref.err.carrier === 'kkdcp') return true;
  if (/^TERMSRV\//i.test(ref.err.sname)) return true;
  const ts = ref.err.ts;
  return ctx.conns.some((o) => isRdpish(o) && o.conn.start <= ts + 120 && o.conn.end >= ts - 30);
}

/** Latest frame of a successful Kerberos reply per client address, computed once per context. */
const lastReplyCache = new WeakMap<FindingContext, Map<string, number>>();

function lastReplyByClient(ctx: FindingContext): Map<string, number> {
  let m = lastReplyCache.get(ctx);
  if (m) return m;
  m = new Map();
  for (const o of ctx.conns) {
    for (const rec of [o.rec, o.rec?.inner ?? null]) {
      if (!rec) continue;
      for (const msg of rec.kerberos.messages) {
        if (!/REP$/.test(msg.type)) continue;
        const ip = o.conn.client.ip;
        if ((m.get(ip) ?? -1) < msg.frame) m.set(ip, msg.frame);
      }
    }
  }
  lastReplyCache.set(ctx, m);
  return m;
}

/** Latest frame of a Kerberos request per client address, computed once per context. */
const lastRequestCache = new WeakMap<FindingContext, Map<string, number>>();

export function lastRequestByClient(ctx: FindingContext): Map<string, number> {
  let m = lastRequestCache.get(ctx);
  if (m) return m;
  m = new Map();
  for (const o of ctx.conns) {
    if (!o.rec) continue;
    for (const msg of o.rec.kerberos.messages) {
      if (!/REQ$/.test(msg.type)) continue;
      const ip = o.conn.client.ip;
      if ((m.get(ip) ?? -1) < msg.frame) m.set(ip, msg.frame);
    }
  }
  lastRequestCache.set(ctx, m);
  return m;
}

/** RDP/gateway connections that reached the active phase, per client address, computed once. */
const activeRdpCache = new WeakMap<FindingContext, Map<string, ConnView[]>>();

function activeRdpByClient(ctx: FindingContext): Map<string, ConnView[]> {
  let m = activeRdpCache.get(ctx);
  if (m) return m;
  m = new Map();
  for (const o of ctx.conns) {
    if (!isRdpish(o) || !(o.rec?.machine.has('active') || o.rec?.inner?.machine.has('active'))) continue;
    const list = m.get(o.conn.client.ip) ?? [];
    list.push(o);
    m.set(o.conn.client.ip, list);
  }
  activeRdpCache.set(ctx, m);
  return m;
}

/** A later message of the same client with a successful reply (AS-REP/TGS-REP/AP-REP) after the error. */
export function recoveredLater(ctx: FindingContext, ref: KrbErrorRef): boolean {
  return (lastReplyByClient(ctx).get(ref.v.conn.client.ip) ?? -1) > ref.err.frame;
}

/** An RDP/gateway connection of the same client that was alive at the error time reached the active phase. */
export function rdpSucceededAround(ctx: FindingContext, ref: KrbErrorRef): boolean {
  const ip = ref.v.conn.client.ip;
  const ts = ref.err.ts;
  return (activeRdpByClient(ctx).get(ip) ?? []).some((o) => o.conn.end >= ts && o.conn.start <= ts + 120);
}
