/**
 * The report model: versioned and JSON-serialisable; the only input to renderers.
 * Field names are stable: later stages add fields, never rename them.
 */
export const REPORT_SCHEMA = 'rdpdiag.report/2';

export interface Endpoint {
  ip: string;
  port: number;
}

export interface TcpSummary {
  retransmissions: number;
  fastRetransmissions: number;
  spuriousRetransmissions: number;
  outOfOrder: number;
  lostSegments: number;
  ackedUnseen: number;
  dupAcks: number;
  zeroWindows: number;
  keepAlives: number;
  windowFull: number;
  resets: number;
  synRetransmissions: number;
  mss: { client: number | null; server: number | null };
  windowScale: { client: number | null; server: number | null };
  ttl: { client: number | null; server: number | null };
  /** Wireshark's initial RTT (SYN → ACK of SYN-ACK) in milliseconds. */
  rttMs: number | null;
  /** Per direction (what each side sent). */
  byDirection: { client: DirectionCounters; server: DirectionCounters };
  synSchedule: { frame: number; at: string; offsetSec: number }[];
  gapBytes: { client: number; server: number };
}

export interface DirectionCounters {
  retransmissions: number;
  fastRetransmissions: number;
  spuriousRetransmissions: number;
  outOfOrder: number;
  lostSegments: number;
  ackedUnseen: number;
  dupAcks: number;
  zeroWindows: number;
  keepAlives: number;
  resets: number;
  fins: number;
  maxIpLength: number;
  maxSegment: number;
  ttlRange: [number, number] | null;
}

export interface ConnectionReport {
  id: number;
  transport: 'tcp' | 'udp';
  client: Endpoint;
  server: Endpoint;
  /** How the client side was decided: syn, syn-ack, port, first-packet. */
  originBy: string;
  file: string;
  start: string;
  end: string;
  startTs: number;
  endTs: number;
  durationSec: number;
  firstFrame: number;
  lastFrame: number;
  state: string;
  history: string;
  packets: { client: number; server: number };
  bytes: { client: number; server: number };
  tcp?: TcpSummary;
  [extra: string]: unknown;
}

export interface FileReport {
  path: string;
  format: string;
  gzip: boolean;
  frames: number;
  bytes: number;
  truncated: boolean;
}

export interface WarningReport {
  file?: string;
  frame: number;
  offset: number;
  protocol: string;
  severity: string;
  message: string;
}

export interface CaptureReport {
  frames: number;
  files: FileReport[];
  formats: string[];
  linkTypes: { linkType: number; name: string; frames: number }[];
  first: string | null;
  last: string | null;
  durationSec: number | null;
  /** Packets the capture itself lost (pcapng ISB / live statistics), null when unknown. */
  dropped: number | null;
  interfaces: { file: string; id: number; linkType: number; snaplen: number; name?: string; dropped?: number; received?: number }[];
  packets: { ip: number; tcp: number; udp: number; icmp: number; nonIp: number; truncated: number; malformed: number; fragments: number; reassembled: number };
  warnings: WarningReport[];
  warningCount: number;
  /** Connections tracked beyond the report's list limit. */
  connectionsNotListed: number;
  /** Finished connections let go over the retention limit: summarised, but not part of the diagnosis. */
  connectionsNotDiagnosed: number;
  /** Connections finished before their idle timeout because the table of open connections was full. */
  connectionsClosedEarly: number;
}

export interface FragmentReport {
  src: string;
  dst: string;
  proto: number;
  id: number;
  /** The first fragments seen (at most 64); `fragmentCount` counts them all. */
  fragments: { frame: number; offset: number; length: number; more: boolean }[];
  fragmentCount: number;
  hasFirst: boolean;
  hasLast: boolean;
  firstFrame: number;
  firstAt: string;
  waitedSec: number;
  reason: string;
  srcPort: number;
  dstPort: number;
}

export interface FragmentsReport {
  reassembled: number;
  overlapConflicts: number;
  incomplete: FragmentReport[];
  /** Fragment sets given up, by reason (memory: over the defragmenter's bounds, oldest first). */
  givenUp: { timeout: number; 'end-of-capture': number; memory: number };
  /** Sets given up that are not listed in `incomplete` (over its limit). */
  incompleteNotListed: number;
}

export interface IcmpReport {
  frame: number;
  at: string;
  type: number;
  code: number;
  name: string;
  mtu: number | null;
  reporter: string;
  ttl: number;
  quoted: { src: string; dst: string; proto: number; srcPort: number; dstPort: number; length: number; seq: number | null; df: boolean };
  connection: number | null;
}

/**
 * Aggregates (schema 2): the connections not listed in full in `connections[]` (by default every
 * connection that is not RDP, RD Gateway, RDP-UDP, Kerberos, TLS to `--server`, ICMP-related or cited
 * by a finding), counted as they finished instead of kept. Absent with `--all`, where every
 * connection is listed.
 */
export interface AggregatesReport {
  /** Connections counted here instead of listed. */
  connections: number;
  packets: { client: number; server: number };
  bytes: { client: number; server: number };
  /** By transport, service (server port, named when well known) and Zeek conn_state; largest first. */
  groups: AggregateGroup[];
  /** Connections of groups beyond the group limit (512), counted in one 'other' row per transport and state. */
  groupsFolded: number;
  /** Addresses with the most bytes (both directions) over the aggregated connections. */
  topClients: Talker[];
  topServers: Talker[];
  /**
   * False when more distinct addresses were seen than the talker tables track: the figures of
   * `topClients`/`topServers` are then lower bounds and the order approximate (space-saving counts).
   */
  talkersExact: boolean;
}

export interface AggregateGroup {
  transport: 'tcp' | 'udp';
  /** Service name from the server port (e.g. 'https', 'dns'), or 'port N', or 'other' (folded). */
  service: string;
  /** Server port, null for folded groups. */
  port: number | null;
  state: string;
  connections: number;
  packets: { client: number; server: number };
  bytes: { client: number; server: number };
  firstFrame: number;
  lastFrame: number;
  /** The servers of this group with the most connections. */
  topServers: Talker[];
}

export interface Talker {
  ip: string;
  connections: number;
  bytes: number;
}

export interface Report {
  schema: string;
  tool: { name: 'rdpdiag'; version: string };
  capture: CaptureReport;
  connections: ConnectionReport[];
  fragments: FragmentsReport;
  icmp: IcmpReport[];
  /** Connections not listed in full (schema 2); absent when every connection is listed. */
  aggregates?: AggregatesReport;
  [extra: string]: unknown;
}
