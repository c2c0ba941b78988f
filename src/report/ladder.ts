/**
 * The compact ladder of one RDP-ish connection for the terminal: each phase reached with its
 * time offset and frame, what the phase established, and how the connection ended.
 */
import { formatDuration } from '../core/time.js';
import type { ConnectionReport } from './model.js';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const FOLLOWED = new Set(['rdp', 'rdp-gateway', 'kerberos', 'rdp-udp']);

export function isLadderConnection(c: ConnectionReport): boolean {
  return FOLLOWED.has(String(c['protocol'])) || (c['protocol'] === 'tls' && Array.isArray(c['phases']));
}

export function renderLadder(c: ConnectionReport): string[] {
  const x = c as Any;
  const out: string[] = [];
  const ended = endLabel(x);
  out.push(`#${c.id} ${x.protocol} ${c.client.ip}:${c.client.port} → ${c.server.ip}:${c.server.port}  ${c.start}  ended in ${x.phase ?? '-'}${ended ? `: ${ended}` : ''}`);
  for (const p of (x.phases ?? []) as Any[]) {
    const off = typeof p.offsetSec === 'number' ? formatDuration(p.offsetSec) : '';
    out.push(`   ${off.padStart(9)}  f${String(p.frame).padEnd(6)} ${String(p.name).padEnd(16)}${p.inferred ? ' (inferred)' : ''}${detail(x, p.name)}`);
  }
  if (x.inner) {
    out.push(`   inner RDP through the gateway: ended in ${x.inner.phase ?? '-'}`);
    for (const p of (x.inner.phases ?? []) as Any[]) {
      out.push(`     f${String(p.frame).padEnd(6)} ${String(p.name).padEnd(16)}${p.inferred ? ' (inferred)' : ''}${detail(x.inner, p.name)}`);
    }
  }
  return out;
}

function endLabel(x: Any): string {
  const by = x.closedBy ? ` by ${x.closedBy}` : '';
  const f = x.closeFrame ? ` (frame ${x.closeFrame})` : '';
  switch (x.closeKind) {
    case 'rst':
      return `RST${by}${f}${x.reset && x.reset.verdict === 'middlebox' ? ' — likely forged by a device in the path' : ''}`;
    case 'fin':
      return `FIN${by}${f}`;
    case 'alert':
      return `TLS alert${by}${f}`;
    case 'dpu':
      return `MCS Disconnect Provider Ultimatum${by}${f}`;
    case 'silence':
      return `silence (no FIN/RST; last packet frame ${x.closeFrame ?? '?'})`;
    case 'refused':
      return `SYN refused with RST${by}${f}`;
    case 'unanswered':
      return 'SYN never answered';
    case 'open':
      return 'still open at the end of the capture';
    default:
      return '';
  }
}

function detail(x: Any, phase: string): string {
  const parts: string[] = [];
  if (phase === 'tcp-connect' && x.tcp) {
    if (x.tcp.synRetransmissions > 0) parts.push(`${x.tcp.synRetransmissions} SYN retransmission(s)`);
    if (x.tcp.rttMs !== null && x.tcp.rttMs !== undefined) parts.push(`RTT ${x.tcp.rttMs} ms`);
    if (x.tcp.mss?.client) parts.push(`MSS ${x.tcp.mss.client}/${x.tcp.mss.server ?? '-'}`);
  }
  if (phase === 'x224' && x.rdp) {
    if (x.rdp.requestedProtocols?.length) parts.push(`requested ${x.rdp.requestedProtocols.map(short).join('|')}`);
    if (x.rdp.selectedProtocol) parts.push(`selected ${short(x.rdp.selectedProtocol)}`);
    if (x.rdp.negFailure) parts.push(`RDP_NEG_FAILURE ${x.rdp.negFailure.name} (frame ${x.rdp.negFailure.frame})`);
    if (x.rdp.negotiation === 'none') parts.push('bare Connection Confirm (Standard RDP Security only)');
  }
  if (phase === 'tls' && x.tls) {
    parts.push(`offered ${x.tls.clientVersions.join('/')}`);
    if (x.tls.serverVersion) parts.push(`server chose ${x.tls.serverVersion} ${x.tls.suite ?? ''}`.trim());
    for (const a of x.tls.alerts ?? []) parts.push(`${a.level} alert ${a.description} ${a.name} from ${a.from} (frame ${a.frame})`);
    if (x.tls.decryption) parts.push(x.tls.decryption.ok ? 'decrypted' : `not decrypted: ${x.tls.decryption.reason}`);
  }
  if (phase === 'credssp' && x.credssp) {
    parts.push(`CredSSP v${x.credssp.version} ${x.credssp.tokenKinds?.join('+') ?? ''}`.trim());
    if (x.credssp.errorCode) parts.push(`errorCode ${x.credssp.errorCode} ${x.credssp.ntstatus} from ${x.credssp.errorFrom} (frame ${x.credssp.errorFrame})`);
  }
  if ((phase === 'mcs' || phase === 'active' || phase === 'secure-settings') && x.rdp) {
    if (phase === 'mcs' && x.rdp.clientBuild) parts.push(`client build ${x.rdp.clientBuild}`);
    for (const e of x.rdp.errorInfo ?? []) parts.push(`Set Error Info ${e.hex} ${e.name} (frame ${e.frame})`);
    if (x.rdp.dpu && phase !== 'secure-settings') parts.push(`DPU ${x.rdp.dpu.name} from ${x.rdp.dpu.from}`);
    if (x.rdp.earlyUserAuth && x.rdp.earlyUserAuth.result !== 0) parts.push(`Early User Authorization ${x.rdp.earlyUserAuth.name}`);
  }
  if (phase === 'http-auth' && x.rdg) {
    const statuses = (x.rdg.http as Any[]).filter((h) => h.status).map((h) => h.status);
    if (statuses.length) parts.push(`HTTP ${statuses.join(', ')}`);
  }
  if (phase === 'tunnel' && x.rdg?.tunnel) parts.push(`tunnel ${x.rdg.tunnel.name}`);
  if (phase === 'channel' && x.rdg?.channel) parts.push(`channel ${x.rdg.channel.name}`);
  if ((phase === 'reply' || phase === 'request') && x.kerberos) {
    for (const e of x.kerberos.errors ?? []) parts.push(`KRB-ERROR ${e.code} ${e.name} (frame ${e.frame})`);
  }
  return parts.length ? '  ' + parts.join('; ') : '';
}

function short(p: string): string {
  return p.replace(/^PROTOCOL_/, '');
}
