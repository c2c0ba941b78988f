/**
 * The session layer's view of one connection: its protocol, the handshake state machine,
 * the facts its events established and the bounded timeline. Fed only by events.
 */
import { PROTOCOL_RDP } from '../codes/rdp-protocols.js';
import type { Connection } from '../reassembly/connection.js';
import type { SessionEvent } from './events.js';
import {
  newCredsspFacts, newKerberosFacts, newNtlmFacts, newRdgFacts, newRdpFacts, newTlsFacts,
  type CredsspFacts, type KerberosFacts, type NtlmFacts, type RdgFacts, type RdpFacts, type TlsFacts,
} from './facts.js';
import { DIRECT_RDP_PHASES, GATEWAY_PHASES, KERBEROS_PHASES, PhaseMachine, RDPUDP_PHASES } from './phase-machine.js';
import { KeylessRdpInference } from './keyless-inference.js';
import { SegmentTail } from './session-end.js';
import { Timeline } from './timeline.js';

/** Records seen after the TLS handshake before a keyless connection stops being decoded. */
export const STOP_FOLLOWING_AFTER_RECORDS = 16;

/** Events a finished connection keeps in its timeline. */
export const COMPACT_EVENTS = 80;

/** Encrypted records remembered per connection (`tls.firstRecords`, what the keyless rules look at), and after compaction. */
export const FIRST_RECORDS = 64;
export const FIRST_RECORDS_COMPACT = 16;

export type SessionProtocol = 'rdp' | 'rdp-gateway' | 'tls' | 'kerberos' | 'rdp-udp' | 'other';


const HANDSHAKE_TYPE_NAMES: Record<string, string> = {
  'krb.as_req': 'AS-REQ', 'krb.as_rep': 'AS-REP', 'krb.tgs_req': 'TGS-REQ', 'krb.tgs_rep': 'TGS-REP', 'krb.ap_req': 'AP-REQ',
  'krb.ap_rep': 'AP-REP', 'krb.error': 'KRB-ERROR', 'krb.tgt_req': 'TGT-REQ', 'krb.tgt_rep': 'TGT-REP', 'krb.kkdcp': 'KDC-PROXY',
};

export class ConnectionRecord {
  protocol: SessionProtocol;
  machine: PhaseMachine;
  readonly timeline = new Timeline();
  readonly rdp = newRdpFacts();
  readonly tls = newTlsFacts();
  // The facts of protocols a connection may never carry are created when first used (reading
  // them creates empty ones): thousands of open TLS connections need no CredSSP or gateway facts.
  private credsspFacts: CredsspFacts | null = null;
  private ntlmFacts: NtlmFacts | null = null;
  private kerberosFacts: KerberosFacts | null = null;
  private rdgFacts: RdgFacts | null = null;
  get credssp(): CredsspFacts {
    return (this.credsspFacts ??= newCredsspFacts());
  }
  get ntlm(): NtlmFacts {
    return (this.ntlmFacts ??= newNtlmFacts());
  }
  get kerberos(): KerberosFacts {
    return (this.kerberosFacts ??= newKerberosFacts());
  }
  get rdg(): RdgFacts {
    return (this.rdgFacts ??= newRdgFacts());
  }
  /** Inner RDP connection tunnelled through a gateway (its own record). */
  inner: ConnectionRecord | null = null;
  /** For an inner record: the gateway connection carrying it. */
  outer: ConnectionRecord | null = null;
  decryptedEvents = 0;
  violations = 0;
  /** Last data segments per direction (session-end.ts), created with the first one. */
  private tails: [SegmentTail | null, SegmentTail | null] = [null, null];
  segmentTail(dir: 0 | 1): SegmentTail | null {
    return this.tails[dir];
  }
  /** A data segment (not a retransmission) of this connection: kept for how the session ended. */
  dataSegment(dir: 0 | 1, frame: number, ts: number, length: number, head: number): void {
    (this.tails[dir] ??= new SegmentTail()).push(frame, ts, length, head);
  }
  /** Keyless phase inference from encrypted record sizes (created with the first such record). */
  private inference: KeylessRdpInference | null = null;

  constructor(
    readonly conn: Connection,
    protocol: SessionProtocol,
  ) {
    this.protocol = protocol;
    this.machine = new PhaseMachine(machineOrder(protocol));
  }

  /** A finished connection kept for the diagnosis: bulk detail is dropped, facts and phases stay. */
  compact(): void {
    this.timeline.compact(COMPACT_EVENTS);
    this.tls.firstRecords.length = Math.min(this.tls.firstRecords.length, FIRST_RECORDS_COMPACT);
    this.inner?.compact();
  }

  setProtocol(p: SessionProtocol): void {
    if (p === this.protocol) return;
    const old = this.machine;
    this.protocol = p;
    this.machine = new PhaseMachine(machineOrder(p));
    for (const ph of old.phases) this.machine.reach(ph.name, ph.frame, ph.ts, ph.inferred);
  }

  /**
   * Without keys, the phases inside TLS are inferred from record directions and sizes, marked
   * inferred (KeylessRdpInference); of Standard RDP Security, whose PDUs after the security
   * exchange are encrypted, only the server's (`plain` sizes: licensing, graphics volume). Only for
   * RDP connections.
   */
  private inferFromRecord(dir: 0 | 1, contentType: number, length: number, frame: number, ts: number, plain = false): void {
    if (this.protocol !== 'rdp') return;
    if (this.inference === null) {
      this.inference = new KeylessRdpInference(this.machine);
      this.inference.setSuite(this.tls.serverVersion, this.tls.suite);
    }
    this.inference.record(dir, contentType, length, this.rdp.selectedProtocol, frame, ts, plain);
  }

  /**
   * Without keys, encrypted records after the handshake only feed counters: once a plain TLS
   * connection has shown its first records, or an RDP connection has reached the active phase,
   * the rest of the stream is not decoded (TCP tracking and the close still are).
   */
  private maybeStopFollowing(): void {
    if (this.inner || this.outer) return;
    const t = this.tls;
    if (t.handshakeComplete === null) return;
    const records = t.records.client + t.records.server;
    if (this.protocol === 'tls' && records >= STOP_FOLLOWING_AFTER_RECORDS) this.conn.stopFollowing = true;
    else if (this.protocol === 'rdp' && this.machine.has('active') && records >= STOP_FOLLOWING_AFTER_RECORDS) this.conn.stopFollowing = true;
  }

  /** Every decoder event of this connection comes through here. */
  readonly onEvent = (e: SessionEvent): void => {
    this.timeline.add(e);
    if ((e as { decrypted?: boolean }).decrypted) this.decryptedEvents++;
    const t = e.type;
    if (t === 'analyzer.violation') {
      this.violations++;
      return;
    }
    const frame = e.frame;
    const ts = e.ts;
    const dir = (e as { dir?: number }).dir;
    const from = dir === 1 ? 'server' : 'client';
    const dec = (e as { decrypted?: boolean }).decrypted === true;
    const m = this.machine;
    const rdp = this.rdp;
    const tls = this.tls;
    switch (e.type) {
      // ---------------- RDP ----------------
      case 'rdp.x224_connection_request':
        rdp.cookie = e.cookie ?? rdp.cookie;
        rdp.routingToken = e.routingToken ?? rdp.routingToken;
        rdp.requestedProtocols = e.requestedProtocols ?? (e.negotiationRequest ? rdp.requestedProtocols : 0);
        rdp.negFlags = e.negFlags ?? null;
        rdp.correlationId = e.correlationId ?? null;
        if (this.protocol === 'tls' || this.protocol === 'other') this.setProtocol('rdp');
        m.reach('x224', frame, ts, false);
        break;
      case 'rdp.x224_connection_confirm':
        rdp.negotiation = e.negotiation;
        rdp.negFrame = frame;
        if (e.negotiation === 'response') rdp.selectedProtocol = e.selectedProtocol ?? null;
        if (e.negotiation === 'none') rdp.selectedProtocol = PROTOCOL_RDP;
        if (e.responseFlags !== undefined) rdp.responseFlags = e.responseFlags;
        if (e.negotiation === 'failure') rdp.negFailure = e.failureCode ?? null;
        m.reach('x224', frame, ts, false);
        break;
      case 'rdp.x224_disconnect_request':
        rdp.x224Disconnect = { reason: (e as { reason: number }).reason, frame };
        break;
      case 'rdp.mcs_connect_initial': {
        const cc = e.clientCore;
        if (cc) {
          rdp.clientBuild = cc.clientBuild;
          rdp.clientName = cc.clientName;
          rdp.clientVersion = cc.version;
          rdp.desktop = { width: cc.desktopWidth, height: cc.desktopHeight };
          rdp.keyboardLayout = cc.keyboardLayout;
          rdp.earlyCapabilityFlags = cc.earlyCapabilityFlags ?? null;
        }
        rdp.channels = e.channels.map((c) => c.name);
        m.reach('mcs', frame, ts, false);
        break;
      }
      case 'rdp.mcs_connect_response':
        rdp.serverVersion = e.serverCore?.version ?? null;
        rdp.encryptionMethod = e.encryptionMethod ?? null;
        rdp.encryptionLevel = e.encryptionLevel ?? null;
        rdp.serverCertType = e.serverCertType ?? null;
        m.reach('mcs', frame, ts, false);
        break;
      case 'rdp.security_exchange':
      case 'rdp.client_info':
        if (e.type === 'rdp.client_info') {
          rdp.userName = e.userName;
          rdp.domain = e.domain;
        }
        m.reach('secure-settings', frame, ts, false);
        break;
      case 'rdp.license':
        if (e.errorCode !== undefined && e.msgType === 0xff) rdp.licenseErrors.push({ errorCode: e.errorCode, stateTransition: e.stateTransition ?? 0, frame });
        m.reach('licensing', frame, ts, false);
        break;
      case 'rdp.demand_active':
      case 'rdp.confirm_active':
        m.reach('capabilities', frame, ts, false);
        break;
      case 'rdp.finalization':
        if ((e as { pdu: string }).pdu === 'font_map' || (dir === 1 && (e as { pdu: string }).pdu === 'font_map')) m.reach('active', frame, ts, false);
        else m.reach('capabilities', frame, ts, false);
        break;
      case 'rdp.fastpath':
        if (dir === 1 && m.has('capabilities')) m.reach('active', frame, ts, !dec && !m.seen('capabilities'));
        else if (dir === 1 && !dec) this.inferFromRecord(1, 0, e.length, frame, ts, true);
        break;
      case 'rdp.set_error_info':
        rdp.errorInfo.push({ value: e.errorInfo, frame, decrypted: dec });
        break;
      case 'rdp.mcs_dpu':
        rdp.dpu = { reason: e.reason, frame, dir: dir ?? 0, decrypted: dec };
        break;
      case 'rdp.early_user_auth':
        rdp.earlyUserAuth = { result: e.result, frame };
        break;
      case 'rdp.save_session_info':
        if (e.logonErrorType !== undefined) rdp.logonErrors.push({ type: e.logonErrorType, data: e.logonErrorData ?? 0, frame });
        break;
      case 'rdp.encrypted_pdu':
        // Standard RDP Security: the first encrypted client PDU after the security exchange is Client Info.
        if (dir === 0 && m.has('mcs')) m.reach('secure-settings', frame, ts, true);
        this.inferFromRecord(dir === 1 ? 1 : 0, 0, e.length, frame, ts, true);
        break;
      // ---------------- TLS ----------------
      case 'tls.client_hello':
        tls.clientHelloFrame = frame;
        tls.clientHelloTs = ts;
        tls.clientVersions = e.supportedVersions.length > 0 ? e.supportedVersions.filter((v) => (v & 0x0f0f) !== 0x0a0a) : [e.legacyVersion];
        tls.legacyVersion = e.legacyVersion;
        tls.offeredSuites = e.cipherSuites;
        tls.sni = e.sni ?? null;
        tls.alpn = e.alpn;
        tls.clientRandom = e.clientRandom;
        if (this.protocol === 'other') this.setProtocol('tls');
        m.reach('tls', frame, ts, false);
        break;
      case 'tls.sslv2_client_hello':
        tls.sslv2 = true;
        tls.clientHelloFrame = frame;
        tls.clientHelloTs = ts;
        tls.clientVersions = [e.version];
        m.reach('tls', frame, ts, false);
        break;
      case 'tls.server_hello':
        tls.serverHelloFrame = frame;
        tls.serverVersion = e.selectedVersion;
        tls.suite = e.cipherSuite;
        if (e.helloRetryRequest) tls.helloRetryRequest = true;
        break;
      case 'tls.certificate': {
        // A client certificate may name a user: only the server's chain is kept.
        if (dir !== 1) break;
        const leaf = e.certificates[0];
        tls.certificateChainLength = e.certificates.length;
        if (leaf) {
          tls.certificate = {
            subject: leaf.subject, issuer: leaf.issuer, notBefore: leaf.notBefore, notAfter: leaf.notAfter,
            keyType: leaf.keyType, keyBits: leaf.keyBits ?? null, selfSigned: leaf.selfSigned,
          };
        }
        break;
      }
      case 'tls.certificate_request':
        tls.certificateRequested = true;
        break;
      case 'tls.alert':
        tls.alerts.push({ from, level: e.level, description: e.description, frame, encrypted: e.encrypted, decrypted: dec });
        break;
      case 'tls.encrypted_alert':
        tls.encryptedAlerts.push({ from, frame, length: e.length });
        break;
      case 'tls.handshake_complete':
        tls.handshakeComplete = { frame, ts, inferred: e.inferred };
        break;
      case 'tls.app_record':
        if (dir === 0) {
          tls.records.client++;
          tls.records.clientBytes += e.length;
        } else {
          tls.records.server++;
          tls.records.serverBytes += e.length;
        }
        // The event itself (it has every field a first record needs): no second object per record.
        if (tls.firstRecords.length < FIRST_RECORDS) tls.firstRecords.push(e);
        if (tls.decryption?.ok !== true) {
          this.inferFromRecord(dir === 1 ? 1 : 0, e.contentType, e.length, frame, ts);
          this.maybeStopFollowing();
        }
        break;
      case 'tls.decrypt_status':
        tls.decryption = { attempted: true, ok: e.ok, reason: e.reason, ...(e.origin !== undefined ? { origin: e.origin } : {}) };
        break;
      // ---------------- CredSSP / NTLM / Kerberos ----------------
      case 'credssp.ts_request': {
        const c = this.credssp;
        c.requests++;
        c.version = Math.max(c.version ?? 0, e.version);
        c.lastFrame = frame;
        if (e.hasClientNonce) c.clientNonce = true;
        if (e.tokenKind && !c.tokenKinds.includes(e.tokenKind)) c.tokenKinds.push(e.tokenKind);
        if (e.errorCode !== undefined && e.errorCode !== 0) {
          c.errorCode = e.errorCode;
          c.errorFrame = frame;
          c.errorFrom = dir === 1 ? 'server' : 'client';
        }
        m.reach('credssp', frame, ts, false);
        break;
      }
      case 'ntlm.negotiate':
      case 'ntlm.challenge':
      case 'ntlm.authenticate': {
        const n = this.ntlm;
        n.messages.push({ type: e.type.slice(5).toUpperCase(), frame });
        if (e.type === 'ntlm.authenticate') {
          n.userName = e.userName;
          n.domainName = e.domainName;
          n.workstation = e.workstation;
          n.ntlmVersion = e.ntlmVersion;
          n.spn = e.spn ?? null;
        }
        break;
      }
      case 'krb.as_req':
      case 'krb.tgs_req':
      case 'krb.as_rep':
      case 'krb.tgs_rep':
      case 'krb.ap_req':
      case 'krb.ap_rep':
      case 'krb.tgt_req':
      case 'krb.tgt_rep':
      case 'krb.error': {
        const k = this.kerberos;
        const name = HANDSHAKE_TYPE_NAMES[e.type] ?? e.type;
        const anyE = e as unknown as { carrier?: string; cname?: string; sname?: string; realm?: string; ticketSname?: string };
        if (k.messages.length < 200) {
          const msg: KerberosFacts['messages'][number] = { type: name, frame, carrier: anyE.carrier ?? '' };
          if (anyE.cname) msg.cname = anyE.cname;
          const sname = anyE.sname ?? anyE.ticketSname;
          if (sname) msg.sname = sname;
          if (anyE.realm) msg.realm = anyE.realm;
          k.messages.push(msg);
        }
        if (e.type === 'krb.error') {
          const err: KerberosFacts['errors'][number] = { code: e.errorCode, frame, ts, realm: e.realm, sname: e.sname ?? '', stime: e.stime, carrier: e.carrier };
          if (e.cname) err.cname = e.cname;
          if (e.eText) err.eText = e.eText;
          if (e.skewSeconds !== undefined) err.skewSeconds = e.skewSeconds;
          if (e.skewSuspect !== undefined) err.skewSuspect = String(e.skewSuspect);
          k.errors.push(err);
          if (this.protocol === 'kerberos') m.reach('reply', frame, ts, false);
        } else if (this.protocol === 'kerberos') {
          m.reach(e.type.endsWith('req') ? 'request' : 'reply', frame, ts, false);
        }
        break;
      }
      // ---------------- RD Gateway ----------------
      case 'rdg.http_request':
        this.rdg.transport ??= e.transport;
        if (e.transport === 'rdg-http' || e.upgradeWebsocket || /remoteDesktopGateway/i.test(e.path)) this.setProtocol('rdp-gateway');
        if (this.rdg.http.length < 50) this.rdg.http.push({ method: e.method, path: e.path, frame, ...(e.authScheme ? { authScheme: e.authScheme } : {}) });
        if (this.protocol === 'rdp-gateway') m.reach('http-auth', frame, ts, false);
        break;
      case 'rdg.http_response':
        if (this.rdg.http.length < 50) this.rdg.http.push({ status: e.status, reason: e.reason, frame, wwwAuthenticate: e.wwwAuthenticate.map((w) => w.scheme) });
        break;
      case 'rdg.websocket_upgrade':
        this.rdg.transport = 'websocket';
        break;
      case 'rdg.handshake_request':
        this.setProtocol('rdp-gateway');
        m.reach('tunnel', frame, ts, false);
        break;
      case 'rdg.handshake_response':
        this.rdg.handshake = { errorCode: e.errorCode, frame };
        break;
      case 'rdg.tunnel_create':
        m.reach('tunnel', frame, ts, false);
        break;
      case 'rdg.tunnel_response':
        this.rdg.tunnel = { statusCode: e.statusCode, frame, ...(e.tunnelId !== undefined ? { tunnelId: e.tunnelId } : {}) };
        break;
      case 'rdg.tunnel_auth_response':
        this.rdg.tunnelAuth = { errorCode: e.errorCode, frame };
        break;
      case 'rdg.channel_create':
        this.rdg.targetServers = [...e.targetServers];
        m.reach('channel', frame, ts, false);
        break;
      case 'rdg.channel_response':
        this.rdg.channel = { statusCode: e.errorCode, frame, ...(e.channelId !== undefined ? { channelId: e.channelId } : {}) };
        break;
      case 'rdg.data':
        if (this.rdg.channel && this.rdg.channel.statusCode === 0) m.reach('inner-rdp', frame, ts, false);
        break;
      case 'rdg.data_summary':
        if (dir === 0) this.rdg.dataBytes.client += e.bytes;
        else this.rdg.dataBytes.server += e.bytes;
        break;
      case 'rdg.close_channel':
      case 'rdg.close_channel_response':
        this.rdg.closeChannel = { statusCode: e.statusCode, frame };
        break;
      case 'rdg.websocket_close':
        this.rdg.websocketClose = { ...(e.code !== undefined ? { code: e.code } : {}), frame };
        break;
      // ---------------- RDP-UDP ----------------
      case 'rdpudp.syn':
        m.reach('syn', frame, ts, false);
        break;
      case 'rdpudp.synack':
        m.reach('syn-ack', frame, ts, false);
        break;
      case 'rdpudp.datagram':
        m.reach('data', frame, ts, false);
        break;
      default:
        break;
    }
  };
}

function machineOrder(p: SessionProtocol): readonly string[] {
  switch (p) {
    case 'rdp-gateway':
      return GATEWAY_PHASES;
    case 'kerberos':
      return KERBEROS_PHASES;
    case 'rdp-udp':
      return RDPUDP_PHASES;
    case 'tls':
      return ['tcp-connect', 'tls', 'app-data'];
    case 'rdp':
      return DIRECT_RDP_PHASES;
    default:
      return ['tcp-connect'];
  }
}
