/**
 * Aggregates of the connections a report does not list in full (`Report.aggregates`, schema 2):
 * counted one connection at a time as connections finish, so memory does not grow with their
 * number. Groups are bounded (`MAX_GROUPS`; beyond it, new groups fold into one 'other' row per
 * transport and state) and so are the talker tables (`MAX_TALKERS`, pruned to their largest half
 * when full, after which their figures are lower bounds).
 */
import type { AggregateGroup, AggregatesReport, ConnectionReport, Talker } from './model.js';

export const MAX_GROUPS = 512;
const MAX_TALKERS = 4096;
const GROUP_SERVERS = 64;
const TOP = 10;
const GROUP_TOP = 5;

/** IANA service names of the ports common enough to name in a summary. */
const SERVICES: Record<string, string> = {
  'tcp/20': 'ftp-data', 'tcp/21': 'ftp', 'tcp/22': 'ssh', 'tcp/23': 'telnet', 'tcp/25': 'smtp', 'tcp/53': 'domain', 'udp/53': 'domain',
  'udp/67': 'bootps', 'udp/68': 'bootpc', 'udp/69': 'tftp', 'tcp/80': 'http', 'tcp/110': 'pop3', 'udp/123': 'ntp', 'tcp/135': 'epmap',
  'udp/137': 'netbios-ns', 'udp/138': 'netbios-dgm', 'tcp/139': 'netbios-ssn', 'tcp/143': 'imap', 'udp/161': 'snmp', 'udp/162': 'snmptrap',
  'tcp/389': 'ldap', 'udp/389': 'ldap', 'tcp/443': 'https', 'udp/443': 'https', 'tcp/445': 'microsoft-ds', 'udp/500': 'isakmp', 'udp/514': 'syslog',
  'tcp/587': 'submission', 'tcp/636': 'ldaps', 'tcp/993': 'imaps', 'tcp/995': 'pop3s', 'udp/1900': 'ssdp', 'tcp/3268': 'msft-gc',
  'tcp/3269': 'msft-gc-ssl', 'udp/4500': 'ipsec-nat-t', 'udp/5353': 'mdns', 'udp/5355': 'llmnr', 'tcp/5985': 'wsman', 'tcp/5986': 'wsmans',
  'tcp/8080': 'http-alt',
};

export function serviceName(transport: string, port: number): string {
  return SERVICES[`${transport}/${port}`] ?? `port ${port}`;
}

/** Address → connections and bytes, bounded: when full, the smaller half is forgotten. */
class TalkerTable {
  private readonly m = new Map<string, Talker>();
  exact = true;
  constructor(private readonly max: number, private readonly rank: (t: Talker) => number) {}
  add(ip: string, bytes: number): void {
    let t = this.m.get(ip);
    if (t === undefined) {
      if (this.m.size >= this.max) this.prune();
      t = { ip, connections: 0, bytes: 0 };
      this.m.set(ip, t);
    }
    t.connections++;
    t.bytes += bytes;
  }
  private prune(): void {
    this.exact = false;
    const keep = this.sorted().slice(0, this.max >> 1);
    this.m.clear();
    for (const t of keep) this.m.set(t.ip, t);
  }
  private sorted(): Talker[] {
    return [...this.m.values()].sort((a, b) => this.rank(b) - this.rank(a) || (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0));
  }
  top(n: number): Talker[] {
    return this.sorted().slice(0, n).map((t) => ({ ...t }));
  }
}

const byBytes = (t: Talker): number => t.bytes;
const byConnections = (t: Talker): number => t.connections;

interface Group {
  row: Omit<AggregateGroup, 'topServers'>;
  servers: TalkerTable;
}

export class ConnectionAggregator {
  private readonly groups = new Map<string, Group>();
  private readonly clients = new TalkerTable(MAX_TALKERS, byBytes);
  private readonly servers = new TalkerTable(MAX_TALKERS, byBytes);
  private connections = 0;
  private folded = 0;
  private readonly packets = { client: 0, server: 0 };
  private readonly bytes = { client: 0, server: 0 };

  add(c: ConnectionReport): void {
    this.count(c.transport, c.client.ip, c.server.ip, c.server.port, c.state, c.packets.client, c.packets.server, c.bytes.client, c.bytes.server, c.firstFrame, c.lastFrame);
  }

  /** One connection, from its figures (no summary object needed). */
  count(
    transport: 'tcp' | 'udp', clientIp: string, serverIp: string, port: number, state: string,
    packetsC: number, packetsS: number, bytesC: number, bytesS: number, firstFrame: number, lastFrame: number,
  ): void {
    this.connections++;
    this.packets.client += packetsC;
    this.packets.server += packetsS;
    this.bytes.client += bytesC;
    this.bytes.server += bytesS;
    const total = bytesC + bytesS;
    this.clients.add(clientIp, total);
    this.servers.add(serverIp, total);
    let key = `${transport}/${port}/${state}`;
    let g = this.groups.get(key);
    if (g === undefined) {
      const folded = this.groups.size >= MAX_GROUPS;
      if (folded) {
        key = `${transport}/other/${state}`;
        g = this.groups.get(key);
      }
      if (g === undefined) {
        g = {
          row: {
            transport, service: folded ? 'other' : serviceName(transport, port), port: folded ? null : port, state,
            connections: 0, packets: { client: 0, server: 0 }, bytes: { client: 0, server: 0 }, firstFrame, lastFrame,
          },
          servers: new TalkerTable(GROUP_SERVERS, byConnections),
        };
        this.groups.set(key, g);
      }
    }
    const r = g.row;
    r.connections++;
    r.packets.client += packetsC;
    r.packets.server += packetsS;
    r.bytes.client += bytesC;
    r.bytes.server += bytesS;
    if (firstFrame < r.firstFrame) r.firstFrame = firstFrame;
    if (lastFrame > r.lastFrame) r.lastFrame = lastFrame;
    g.servers.add(serverIp, total);
    if (r.port === null) this.folded++;
  }

  get total(): number {
    return this.connections;
  }

  report(): AggregatesReport {
    const groups = [...this.groups.values()]
      .map((g) => ({ ...g.row, topServers: g.servers.top(GROUP_TOP) }))
      .sort((a, b) => b.connections - a.connections || b.bytes.client + b.bytes.server - (a.bytes.client + a.bytes.server) || a.firstFrame - b.firstFrame);
    let exact = this.clients.exact && this.servers.exact;
    for (const g of this.groups.values()) exact &&= g.servers.exact;
    return {
      connections: this.connections,
      packets: { ...this.packets },
      bytes: { ...this.bytes },
      groups,
      groupsFolded: this.folded,
      topClients: this.clients.top(TOP),
      topServers: this.servers.top(TOP),
      talkersExact: exact,
    };
  }
}
