/**
 * The session layer: decides which connections to follow and with which analyzer, keeps a
 * ConnectionRecord per followed connection, and turns TCP/ICMP facts into timeline events.
 * Everything here is synchronous and runs inside the engine's per-frame push.
 */
import type { EmbeddedSecrets } from '../capture/frame.js';
import { KerberosUdpDecoder } from '../protocols/kerberos/framing.js';
import { GssKerberosScanner } from '../protocols/kerberos/gss-scanner.js';
import { RdpUdpDecoder } from '../protocols/rdpudp/rdpudp.js';
import { SmbSessionSetupFilter } from '../protocols/smb/session-setup-filter.js';
import type { DatagramDecoder, StreamDecoder } from '../protocols/stream.js';
import type { Packet } from '../decode/packet.js';
import { TcpFlag } from '../decode/packet.js';
import type { Connection } from '../reassembly/connection.js';
import type { EngineHooks } from '../reassembly/engine.js';
import type { IcmpError } from '../reassembly/icmp-link.js';
import { TcpA } from '../reassembly/tcp-analysis.js';
import { kerberosTcpAnalyzer, RdpAnalyzer, TlsGatewayAnalyzer } from './analyzers.js';
import { ConnectionRecord, type SessionProtocol } from './connection-record.js';
import { Secrets } from './secrets.js';

export const RDP_PORTS = new Set([3389]);
export const GATEWAY_PORTS = new Set([443]);
export const KERBEROS_PORT = 88;
export const RDPUDP_PORTS = new Set([3389, 3391]);
/** Protocols whose GSS-API blobs may carry Kerberos errors: SMB, NetBIOS session, LDAP, GC, RPC. */
export const GSS_CARRIER_PORTS = new Set([445, 139, 389, 3268, 135]);
/** SMB direct hosting and NetBIOS session service: scanned only inside SESSION_SETUP messages. */
export const SMB_PORTS = new Set([445, 139]);

/** X.224 Connection Request inside TPKT: 03 00 len len LI E0 (MS-RDPBCGR 2.2.1.1). */
export function looksLikeX224Request(b: Uint8Array): boolean {
  return b.length >= 6 && b[0] === 3 && b[1] === 0 && (b[5]! & 0xf0) === 0xe0;
}
/** X.224 Connection Confirm: 03 00 len len LI D0. */
export function looksLikeX224Confirm(b: Uint8Array): boolean {
  return b.length >= 6 && b[0] === 3 && b[1] === 0 && (b[5]! & 0xf0) === 0xd0;
}
/** TLS handshake record (ClientHello) start: 16 03 0x, or an SSLv2-format ClientHello (2-byte header, msg type 1, version 2.0/3.x). */
export function looksLikeTlsHandshake(b: Uint8Array): boolean {
  if (b.length >= 3 && b[0] === 0x16 && b[1] === 3 && b[2]! <= 4) return true;
  return b.length >= 5 && (b[0]! & 0x80) !== 0 && b[2] === 1 && (b[3] === 3 || (b[3] === 0 && b[4] === 2));
}

/** The protocol a connection is followed as from its server port alone (null: not by port). */
export function protocolByPort(conn: Connection): SessionProtocol | null {
  const sp = conn.server.port;
  if (conn.transport === 'tcp') {
    if (RDP_PORTS.has(sp)) return 'rdp';
    if (GATEWAY_PORTS.has(sp)) return 'tls';
    if (sp === KERBEROS_PORT) return 'kerberos';
    return null;
  }
  if (sp === KERBEROS_PORT) return 'kerberos';
  if (RDPUDP_PORTS.has(sp)) return 'rdp-udp';
  return null;
}

export interface SessionOptions {
  /** Decrypt TLS with key logs and DSB secrets (default true). */
  decrypt?: boolean;
}

export class Session {
  readonly secrets = new Secrets();
  readonly records = new Map<Connection, ConnectionRecord>();
  readonly hooks: EngineHooks;
  private readonly decrypt: boolean;

  constructor(opts: SessionOptions = {}) {
    this.decrypt = opts.decrypt !== false;
    this.hooks = {
      followTcp: (conn, first, fromClient) => this.followTcp(conn, first, fromClient),
      followUdp: (conn, payload, fromClient) => this.followUdp(conn, payload, fromClient),
      tcpSegment: (conn, p, fromClient, a, frame, ts) => this.tcpSegment(conn, p, fromClient, a, frame, ts),
      icmpError: (e) => this.icmpError(e),
    };
  }

  /**
   * Whether a finished connection may leave memory: unfollowed ones always; healthy TLS that is
   * not RD Gateway, and Kerberos that was answered without errors, too. RDP, gateway and failing flows stay for
   * the diagnosis.
   */
  releasable(conn: Connection): boolean {
    const rec = this.records.get(conn);
    if (!rec) return true;
    if (rec.protocol === 'tls') {
      const t = rec.tls;
      return t.handshakeComplete !== null && !t.alerts.some((a) => a.level === 2) && rec.rdg.http.length === 0;
    }
    // A Kerberos exchange that failed (an error other than PREAUTH_REQUIRED, or a TCP connection to
    // the KDC that was never answered) matters to NLA: kept.
    if (rec.protocol === 'kerberos' || rec.protocol === 'other') {
      return rec.kerberos.errors.every((e) => e.code === 25) && !unansweredTcp(conn);
    }
    return false;
  }

  /** A finished connection kept for the diagnosis: its bulk detail goes (see ConnectionRecord.compact). */
  retain(conn: Connection): void {
    this.records.get(conn)?.compact();
  }

  /**
   * Over the retention limit, which kept connections go first: RDP sessions that reached the
   * active phase without a server error, which the diagnosis needs least.
   */
  expendable(conn: Connection): boolean {
    const rec = this.records.get(conn);
    if (!rec) return true;
    // An unanswered SYN to a KDC is kept, but goes before RDP failures (a scan of port 88 makes thousands).
    if (rec.protocol === 'kerberos') return unansweredTcp(conn);
    const rdp = rec.inner ?? rec;
    return rdp.machine.has('active') && rdp.rdp.errorInfo.length === 0 && rdp.rdp.dpu === null;
  }

  /** Forgets a connection's record (after its summary was taken). */
  release(conn: Connection): void {
    this.records.delete(conn);
    conn.session = null;
  }

  addEmbeddedSecrets(s: EmbeddedSecrets): void {
    this.secrets.addEmbedded(s);
  }

  record(conn: Connection): ConnectionRecord | undefined {
    return this.records.get(conn);
  }

  private ensure(conn: Connection, protocol: SessionProtocol): ConnectionRecord {
    let rec = this.records.get(conn);
    if (!rec) {
      rec = new ConnectionRecord(conn, protocol);
      this.records.set(conn, rec);
      conn.session = rec;
      const syn = conn.syns[0];
      if (conn.transport === 'tcp') rec.machine.reach('tcp-connect', syn ? syn.frame : conn.firstFrame, syn ? syn.ts : conn.start, false);
    } else if (rec.protocol === 'other' && protocol !== 'other') rec.setProtocol(protocol);
    return rec;
  }

  private get factory() {
    return this.decrypt ? this.secrets.factory : undefined;
  }

  private followTcp(conn: Connection, first: Uint8Array, fromClient: boolean): StreamDecoder | null {
    let proto = protocolByPort(conn);
    if (fromClient && looksLikeX224Request(first)) proto = 'rdp';
    else if (!fromClient && looksLikeX224Confirm(first)) proto = 'rdp';
    else if (proto === null && fromClient && looksLikeTlsHandshake(first)) proto = 'tls';
    if (proto === null) {
      if (conn.transport === 'tcp' && GSS_CARRIER_PORTS.has(conn.server.port)) {
        // Not followed as its own protocol: only scanned for Kerberos errors. The record is
        // created when the scanner finds one. On SMB only session setups are scanned.
        const scanner = new GssKerberosScanner((e) => this.ensure(conn, 'other').onEvent(e));
        if (!SMB_PORTS.has(conn.server.port)) return scanner;
        // Followed from the first byte when the SYN was captured; otherwise picked up mid-stream.
        const fromStart = conn.syns.length > 0;
        return new SmbSessionSetupFilter(
          scanner,
          () => {
            conn.stopFollowing = true;
          },
          fromStart,
        );
      }
      return null;
    }
    const rec = this.ensure(conn, proto);
    switch (proto) {
      case 'rdp':
        return new RdpAnalyzer(rec, this.factory);
      case 'tls':
        return new TlsGatewayAnalyzer(rec, this.factory);
      case 'kerberos':
        return kerberosTcpAnalyzer(rec);
      default:
        return null;
    }
  }

  private followUdp(conn: Connection, _payload: Uint8Array, _fromClient: boolean): DatagramDecoder | null {
    const proto = protocolByPort(conn);
    if (proto === 'kerberos') return new KerberosUdpDecoder(this.ensure(conn, 'kerberos').onEvent);
    if (proto === 'rdp-udp') return new RdpUdpDecoder(this.ensure(conn, 'rdp-udp').onEvent, { serverPort: conn.server.port });
    return null;
  }

  private tcpSegment(conn: Connection, p: Packet, fromClient: boolean, a: number, frame: number, ts: number): void {
    let rec = conn.session as ConnectionRecord | null;
    const f = p.flags;
    if (!rec) {
      const proto = protocolByPort(conn);
      if (!proto) return;
      // A connection already set up when the capture started: followed once both sides were seen
      // (its first payload may be an RST or a keep-alive, which no decoder is asked about).
      if ((f & TcpFlag.SYN) === 0 && !(proto === 'rdp' && conn.client.packets > 0 && conn.server.packets > 0)) return;
      rec = this.ensure(conn, proto);
    }
    const dir = fromClient ? 0 : 1;
    if (f & TcpFlag.SYN) {
      if (f & TcpFlag.ACK) rec.onEvent({ type: 'tcp.syn_ack', frame, ts, dir, ttl: p.ttl, mss: p.mss });
      else rec.onEvent({ type: a & TcpA.RETRANSMISSION ? 'tcp.syn_retransmission' : 'tcp.syn', frame, ts, dir, ttl: p.ttl, mss: p.mss });
    } else if (conn.handshakeAck && conn.handshakeAck.frame === frame) {
      rec.onEvent({ type: 'tcp.established', frame, ts, dir });
      rec.machine.reach('tcp-connect', frame, ts, false);
    }
    if (f & TcpFlag.RST) rec.onEvent({ type: 'tcp.rst', frame, ts, dir, ttl: p.ttl, ipId: p.ipId, window: p.window });
    if (f & TcpFlag.FIN) rec.onEvent({ type: 'tcp.fin', frame, ts, dir });
    if (p.segLength > 0 && (a & (TcpA.RETRANSMISSION | TcpA.FAST_RETRANSMISSION | TcpA.SPURIOUS_RETRANSMISSION)) === 0) rec.dataSegment(dir, frame, ts, p.segLength, p.payloadCaptured > 0 ? p.data[p.payloadOffset]! : -1);
    if (a & (TcpA.RETRANSMISSION | TcpA.FAST_RETRANSMISSION) && p.segLength > 0) rec.onEvent({ type: 'tcp.retransmission', frame, ts, dir, length: p.segLength });
    if (a & TcpA.ZERO_WINDOW) rec.onEvent({ type: 'tcp.zero_window', frame, ts, dir });
    if (a & TcpA.KEEP_ALIVE) rec.onEvent({ type: 'tcp.keep_alive', frame, ts, dir });
  }

  private icmpError(e: IcmpError): void {
    const rec = e.connection ? this.records.get(e.connection) : undefined;
    if (!rec) return;
    rec.onEvent({
      type: 'icmp.error', frame: e.frame, ts: e.ts, icmpType: e.type, icmpCode: e.code, mtu: e.mtu, reporter: e.reporter, ttl: e.ttl,
      ...(e.quotedFromClient !== null ? { dir: e.quotedFromClient ? 1 : 0 } : {}),
    });
  }
}

/** A TCP connection whose SYN was captured and never answered. */
function unansweredTcp(conn: Connection): boolean {
  return conn.transport === 'tcp' && conn.syns.length > 0 && !conn.synAckSeen;
}
