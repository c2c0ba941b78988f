/**
 * Terminal rendering (cli-table3): capture summary, then the connection table.
 */
import Table from 'cli-table3';
import { formatDuration } from '../core/time.js';
import { isLadderConnection, renderLadder } from './ladder.js';
import { renderVerdict } from './verdict-text.js';
import { renderAggregates } from './aggregates-text.js';
import type { ConnectionReport, Report } from './model.js';

export interface TextOptions {
  /** Show every connection, not only the first `limit`. */
  all?: boolean;
  limit?: number;
}

export function renderText(r: Report, opts: TextOptions = {}): string {
  const out: string[] = [];
  const c = r.capture;
  out.push(...renderPreamble(r));
  out.push(
    `Capture: ${c.frames} frames in ${c.files.length} file(s) [${c.formats.join(', ')}]; ${c.linkTypes.map((l) => `${l.name}×${l.frames}`).join(', ')}`,
  );
  if (c.first) out.push(`Time: ${c.first} → ${c.last} (${formatDuration(c.durationSec ?? NaN)})`);
  out.push(
    `Packets: ${c.packets.ip} IP (${c.packets.tcp} TCP, ${c.packets.udp} UDP, ${c.packets.icmp} ICMP), ${c.packets.nonIp} non-IP, ${c.packets.fragments} fragments (${c.packets.reassembled} datagrams rebuilt)`,
  );
  if (c.dropped !== null) out.push(`Capture drops reported by the interface: ${c.dropped}${c.dropped > 0 ? '  ← loss-based conclusions are weaker' : ''}`);
  if (c.warningCount > 0) {
    out.push(`Warnings: ${c.warningCount}`);
    for (const w of c.warnings.slice(0, 5)) out.push(`  - ${w.file ? '' : ''}frame ${w.frame}, offset ${w.offset}: ${w.message}`);
    if (c.warningCount > 5) out.push(`  … ${c.warningCount - 5} more (see --format json)`);
  }
  if (c.connectionsClosedEarly > 0) {
    out.push(
      `Connection table full: ${c.connectionsClosedEarly} idle connection(s) were finished before their timeout (a SYN flood, a scan or a very busy link); later packets start a new entry, or are counted but no longer decoded when the connection is kept for the diagnosis`,
    );
  }
  if (c.connectionsNotDiagnosed > 0) {
    out.push(
      `Diagnosis: ${c.connectionsNotDiagnosed} finished connection(s) over the retention limit were summarised but not diagnosed (oldest active RDP sessions first); --failed-at or a shorter capture narrows it`,
    );
  }
  out.push('');
  const conns = r.connections;
  const limit = opts.all ? conns.length : (opts.limit ?? 40);
  const shown = pickShown(conns, limit);
  const t = new Table({
    head: ['#', 'proto', 'client', 'server', 'start', 'dur', 'state', 'history', 'bytes c→s', 'bytes s→c', 'retx', 'lost', 'rst', 'zwin'],
    style: { head: [], border: [] },
  });
  for (const x of shown) {
    t.push([
      x.id,
      (x['protocol'] as string | undefined) ?? x.transport,
      `${x.client.ip}:${x.client.port}`,
      `${x.server.ip}:${x.server.port}`,
      x.start.slice(11, 23),
      formatDuration(x.durationSec),
      x.state,
      x.history.length > 14 ? x.history.slice(0, 13) + '…' : x.history,
      x.bytes.client,
      x.bytes.server,
      x.tcp ? x.tcp.retransmissions + x.tcp.fastRetransmissions : '',
      x.tcp ? x.tcp.lostSegments : '',
      x.tcp ? x.tcp.resets : '',
      x.tcp ? x.tcp.zeroWindows : '',
    ]);
  }
  out.push(`Connections: ${conns.length}${shown.length < conns.length ? ` (showing ${shown.length}; --all for every one)` : ''}`);
  if (conns.length > 0) out.push(t.toString());
  out.push(...renderAggregates(r.aggregates));
  const ladders = conns.filter(isLadderConnection);
  if (ladders.length > 0) {
    out.push('');
    out.push('Handshake ladders:');
    for (const c of ladders.slice(0, opts.all ? ladders.length : 30)) out.push(...renderLadder(c));
    if (!opts.all && ladders.length > 30) out.push(`  … ${ladders.length - 30} more (--all)`);
  }
  return out.join('\n') + '\n';
}

/** RDP-ish connections first, then the rest in order, up to `limit`. */
function pickShown(conns: ConnectionReport[], limit: number): ConnectionReport[] {
  if (conns.length <= limit) return conns;
  const rdp = conns.filter((c) => c['protocol'] !== undefined && c['protocol'] !== 'other');
  const rest = conns.filter((c) => !(c['protocol'] !== undefined && c['protocol'] !== 'other'));
  return [...rdp, ...rest].slice(0, limit).sort((a, b) => a.id - b.id);
}

function renderPreamble(r: Report): string[] {
  return renderVerdict(r);
}
