/**
 * Terminal lines for `Report.aggregates`: the connections not listed in full, by service and state.
 */
import type { AggregatesReport } from './model.js';

const GROUPS_SHOWN = 12;

export function renderAggregates(a: AggregatesReport | undefined): string[] {
  if (!a || a.connections === 0) return [];
  const out: string[] = [];
  out.push('');
  out.push(
    `Other connections (not RDP-related, not listed; --all lists them): ${a.connections}, ${a.packets.client + a.packets.server} packets, ${a.bytes.client + a.bytes.server} bytes`,
  );
  for (const g of a.groups.slice(0, GROUPS_SHOWN)) {
    const top = g.topServers.slice(0, 3).map((t) => `${t.ip}×${t.connections}`).join(', ');
    out.push(`  ${g.transport}/${g.service}${g.port !== null && !g.service.startsWith('port') ? ` (${g.port})` : ''} ${g.state}: ${g.connections} connection(s), ${g.bytes.client}/${g.bytes.server} bytes c→s/s→c${top ? `; servers ${top}` : ''}`);
  }
  if (a.groups.length > GROUPS_SHOWN) out.push(`  … ${a.groups.length - GROUPS_SHOWN} more groups (see --format json)`);
  const talkers = (label: string, list: AggregatesReport['topClients']): void => {
    if (list.length > 0) out.push(`  top ${label} by bytes${a.talkersExact ? '' : ' (approximate)'}: ${list.slice(0, 5).map((t) => `${t.ip} ${t.bytes} B/${t.connections}`).join(', ')}`);
  };
  talkers('clients', a.topClients);
  talkers('servers', a.topServers);
  return out;
}
