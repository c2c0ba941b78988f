/**
 * Shared helpers for the network rules: which handshake phase a frame fell in (from the
 * connection record's phase machine), whether a connection reached its protocol's final
 * phase, whether a protocol-level failure already explains how it ended, and the
 * relevance filter (RDP, RD Gateway/TLS, Kerberos, RDP-UDP). All inferred bookkeeping.
 */
import type { ConnView } from '../context.js';
import { isRdpish } from '../context.js';

/** Protocols whose failure can make an RDP connection fail. */
export function isRelevant(v: ConnView): boolean {
  return isRdpish(v) || v.protocol === 'tls' || v.protocol === 'kerberos' || v.protocol === 'rdp-udp';
}

/** The phase the connection was in when `frame` was seen ('tcp-connect' before the first recorded one). */
export function phaseAt(v: ConnView, frame: number): string {
  const phases = v.rec?.machine.phases ?? [];
  let cur = v.conn.transport === 'tcp' ? 'tcp-connect' : 'start';
  for (const p of phases) {
    if (p.frame <= frame) cur = p.name;
    else break;
  }
  return cur;
}

const FINAL: Record<string, string> = { rdp: 'active', 'rdp-gateway': 'inner-rdp', kerberos: 'reply', 'rdp-udp': 'data' };

/** Whether the connection reached the final phase of its protocol (TLS: handshake complete). */
export function reachedFinal(v: ConnView): boolean {
  const rec = v.rec;
  if (!rec) return false;
  if (v.protocol === 'tls') return rec.tls.handshakeComplete !== null || rec.machine.has('app-data');
  const f = FINAL[v.protocol];
  return f ? rec.machine.has(f) : false;
}

/** Whether the TLS handshake (or anything after it) completed on this connection. */
export function pastTls(v: ConnView): boolean {
  const rec = v.rec;
  if (!rec) return false;
  if (rec.tls.handshakeComplete) return true;
  return ['credssp', 'mcs', 'secure-settings', 'licensing', 'capabilities', 'active', 'http-auth', 'tunnel', 'channel', 'inner-rdp', 'app-data'].some((p) => rec.machine.has(p));
}

/**
 * A protocol-level failure seen on the connection before `frame` (RDP_NEG_FAILURE, fatal TLS
 * alert, CredSSP errorCode, DPU, Set Error Info, RD Gateway error, KRB-ERROR other than 25):
 * another rule explains the end, and a reset after it is the consequence, not the cause.
 */
export function protocolFailureBefore(v: ConnView, frame: number): string | null {
  const rec = v.rec;
  if (!rec) return null;
  const rdp = rec.inner?.rdp ?? rec.rdp;
  if (rec.rdp.negFailure !== null && (rec.rdp.negFrame ?? 0) <= frame) return `RDP_NEG_FAILURE (code ${rec.rdp.negFailure}) in frame ${rec.rdp.negFrame}`;
  const alert = rec.tls.alerts.find((a) => a.level === 2 && a.frame <= frame);
  if (alert) return `fatal TLS alert ${alert.description} from the ${alert.from} in frame ${alert.frame}`;
  if (rec.credssp.errorCode !== null && (rec.credssp.errorFrame ?? 0) <= frame) return `CredSSP errorCode 0x${(rec.credssp.errorCode >>> 0).toString(16)} in frame ${rec.credssp.errorFrame}`;
  if (rdp.dpu && rdp.dpu.frame <= frame) return `MCS Disconnect Provider Ultimatum in frame ${rdp.dpu.frame}`;
  const sei = rdp.errorInfo.find((e) => e.frame <= frame && e.value !== 0);
  if (sei) return `Set Error Info 0x${sei.value.toString(16)} in frame ${sei.frame}`;
  if (rdp.earlyUserAuth && rdp.earlyUserAuth.result !== 0 && rdp.earlyUserAuth.frame <= frame) return `Early User Authorization Result ${rdp.earlyUserAuth.result} in frame ${rdp.earlyUserAuth.frame}`;
  const rdg = rec.rdg;
  if (rdg.handshake && rdg.handshake.errorCode !== 0 && rdg.handshake.frame <= frame) return `RD Gateway handshake error in frame ${rdg.handshake.frame}`;
  if (rdg.tunnel && rdg.tunnel.statusCode !== 0 && rdg.tunnel.frame <= frame) return `RD Gateway tunnel error in frame ${rdg.tunnel.frame}`;
  if (rdg.channel && rdg.channel.statusCode !== 0 && rdg.channel.frame <= frame) return `RD Gateway channel error in frame ${rdg.channel.frame}`;
  // 401 is a normal leg of gateway authentication: only the last answer before the frame counts.
  const http = rdg.http.filter((h) => h.status !== undefined && h.frame <= frame).pop();
  if (http && http.status! >= 400) return `HTTP ${http.status} from the gateway in frame ${http.frame}`;
  const krb = rec.kerberos.errors.find((e) => e.code !== 25 && e.frame <= frame);
  if (krb) return `KRB-ERROR ${krb.code} in frame ${krb.frame}`;
  return null;
}

/** Relative seconds for detail text. */
export function secs(x: number): string {
  return `${x.toFixed(x < 10 ? 2 : 1)} s`;
}

/** The direction of a timeline event (0 client→server, 1 server→client), undefined for capture-wide events. */
export function dirOf(e: { type: string }): number | undefined {
  const d = (e as { dir?: unknown }).dir;
  return typeof d === 'number' ? d : undefined;
}
