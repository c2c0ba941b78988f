/**
 * Interprets whole RDP PDUs of one connection (both directions) and reports events:
 * TPKT → X.224 → MCS (connect / domain PDUs) → security header → licensing / Client Info /
 * share PDUs, and fast-path PDUs by length. Keeps the connection state that decides how to
 * read what follows (selected protocol, encryption method/level, I/O channel).
 *
 * Security header presence (MS-RDPBCGR 2.2.8.1.1.2, 5.3/5.4):
 *  - Standard RDP Security with encryption (method/level ≠ 0, learnt from SC_SECURITY): every
 *    Send Data carries a security header; SEC_ENCRYPT PDUs become `rdp.encrypted_pdu` only.
 *  - TLS (decrypted), or Standard RDP Security at level NONE: only Client Info, licensing,
 *    auto-detect, heartbeat and multitransport PDUs carry one. Told apart from a Share Control
 *    Header by the header's own consistency (totalLength fits, version nibble 1).
 */
import { issue } from '../../core/issues.js';
import type { ChunkInfo, Dir, Sink } from '../stream.js';
import type { RdpEvent } from './events.js';
import { parseGccClientData, parseGccServerData } from './gcc.js';
import { parseLicensePdu } from './licensing.js';
import {
  MCS_CONNECT_INITIAL_TAG,
  MCS_CONNECT_RESPONSE_TAG,
  MCS_GLOBAL_CHANNEL_ID,
  mcsConnectTag,
  parseConnectInitial,
  parseConnectResponse,
  parseDomainPdu,
} from './mcs.js';
import { isParseError, type ParseError } from './parse-error.js';
import { BASIC_SECURITY_HEADER_LENGTH, SEC, parseClientInfo, parseSecurityExchange, securityFlags } from './security.js';
import { looksLikeShareControl, parseSharePdus, type SharePdu } from './share.js';
import { FASTPATH_FLAG_ENCRYPTED, TPKT_HEADER_LENGTH, fastPathFlags } from './tpkt.js';
import {
  PROTOCOL,
  X224_TPDU,
  dataHeaderLength,
  parseConnectionConfirm,
  parseConnectionRequest,
  parseDisconnectRequest,
  x224Code,
  type X224ConnectionConfirm,
} from './x224.js';
import { parseEarlyUserAuthResult } from './early-auth.js';

const PROTO = 'rdp';

export interface InterpreterOptions {
  /** Events are marked `decrypted: true` (PDUs read from decrypted TLS). */
  decrypted?: boolean;
  /** Called after an X.224 Connection Confirm was reported. */
  onConnectionConfirm?: (dir: Dir, cc: X224ConnectionConfirm) => void;
}

/** Security flags that mark PDUs we do not decode further (auto-detect, heartbeat, multitransport). */
const SEC_IGNORED = SEC.AUTODETECT_REQ | SEC.AUTODETECT_RSP | SEC.HEARTBEAT | SEC.TRANSPORT_REQ | SEC.TRANSPORT_RSP;

export class RdpPduInterpreter {
  /** selectedProtocol from the CC (undefined: not seen; -1: bare CC, Standard RDP Security). */
  selectedProtocol: number | undefined;
  encryptionMethod: number | undefined;
  encryptionLevel: number | undefined;
  ioChannelId = MCS_GLOBAL_CHANNEL_ID;
  messageChannelId: number | undefined;
  private readonly decrypted: boolean;

  constructor(
    private readonly sink: Sink<RdpEvent>,
    private readonly options: InterpreterOptions = {},
  ) {
    this.decrypted = options.decrypted === true;
  }

  /** Standard RDP Security with encryption is in force: every Send Data has a security header. */
  get standardSecurityEncrypting(): boolean {
    if (this.decrypted) return false;
    if (this.selectedProtocol !== undefined && this.selectedProtocol > 0) return false;
    return (this.encryptionMethod ?? 0) !== 0 || (this.encryptionLevel ?? 0) !== 0;
  }

  private base(type: RdpEvent['type'], dir: Dir, firstFrame: number, info: ChunkInfo): Record<string, unknown> {
    const e: Record<string, unknown> = { type, frame: info.frame };
    if (firstFrame !== info.frame) e.firstFrame = firstFrame;
    e.ts = info.ts;
    e.dir = dir;
    if (this.decrypted) e.decrypted = true;
    return e;
  }

  private emit(type: RdpEvent['type'], dir: Dir, firstFrame: number, info: ChunkInfo, fields: object): void {
    const e = this.base(type, dir, firstFrame, info);
    Object.assign(e, fields);
    this.sink(e as unknown as RdpEvent);
  }

  private problem(info: ChunkInfo, streamOffset: number, pduStart: number, err: ParseError, where: string): void {
    this.sink(issue(PROTO, info.frame, info.ts, streamOffset + (err.offset - pduStart), `${where}: ${err.error}`));
  }

  /** A whole TPKT PDU `b[start..end)` (header included). */
  tpkt(dir: Dir, b: Uint8Array, start: number, end: number, firstFrame: number, info: ChunkInfo, streamOffset: number): void {
    const x = start + TPKT_HEADER_LENGTH;
    const code = x224Code(b, x, end);
    const report = (err: ParseError, where: string): void => this.problem(info, streamOffset, start, err, where);
    switch (code) {
      case X224_TPDU.CONNECTION_REQUEST: {
        const cr = parseConnectionRequest(b, x, end);
        if (isParseError(cr)) return report(cr, 'X.224 Connection Request');
        const { warning, ...fields } = cr;
        this.emit('rdp.x224_connection_request', dir, firstFrame, info, fields);
        if (warning) report(warning, 'X.224 Connection Request');
        return;
      }
      case X224_TPDU.CONNECTION_CONFIRM: {
        const cc = parseConnectionConfirm(b, x, end);
        if (isParseError(cc)) return report(cc, 'X.224 Connection Confirm');
        const { warning, ...fields } = cc;
        this.emit('rdp.x224_connection_confirm', dir, firstFrame, info, fields);
        if (warning) report(warning, 'X.224 Connection Confirm');
        if (cc.negotiation === 'response') this.selectedProtocol = cc.selectedProtocol;
        else if (cc.negotiation === 'none') this.selectedProtocol = -1;
        this.options.onConnectionConfirm?.(dir, cc);
        return;
      }
      case X224_TPDU.DISCONNECT_REQUEST: {
        const reason = parseDisconnectRequest(b, x, end);
        if (isParseError(reason)) return report(reason, 'X.224 Disconnect Request');
        this.emit('rdp.x224_disconnect_request', dir, firstFrame, info, { reason });
        return;
      }
      case X224_TPDU.ERROR:
        this.emit('rdp.x224_error', dir, firstFrame, info, {});
        return;
      case X224_TPDU.DATA: {
        const hl = dataHeaderLength(b, x, end);
        if (isParseError(hl)) return report(hl, 'X.224 Data');
        this.mcs(dir, b, x + hl, end, firstFrame, info, (err, where) => report(err, where));
        return;
      }
      default:
        report({ error: `unexpected X.224 TPDU code 0x${code < 0 ? '??' : code.toString(16)}`, offset: x }, 'X.224');
    }
  }

  private mcs(dir: Dir, b: Uint8Array, m: number, end: number, firstFrame: number, info: ChunkInfo, report: (err: ParseError, where: string) => void): void {
    const tag = mcsConnectTag(b, m, end);
    if (tag === MCS_CONNECT_INITIAL_TAG) {
      const ci = parseConnectInitial(b, m, end);
      if (isParseError(ci)) return report(ci, 'MCS Connect-Initial');
      const gcc = parseGccClientData(b, ci.userDataStart, ci.userDataEnd);
      const fields: Record<string, unknown> = { userDataFound: gcc.found, blockTypes: gcc.blockTypes };
      if (gcc.core) fields.clientCore = gcc.core;
      if (gcc.security) fields.security = gcc.security;
      fields.channels = gcc.channels;
      if (gcc.cluster) fields.cluster = gcc.cluster;
      if (gcc.monitorCount !== undefined) fields.monitorCount = gcc.monitorCount;
      if (gcc.messageChannelFlags !== undefined) fields.messageChannelFlags = gcc.messageChannelFlags;
      if (gcc.multitransportFlags !== undefined) fields.multitransportFlags = gcc.multitransportFlags;
      this.emit('rdp.mcs_connect_initial', dir, firstFrame, info, fields);
      for (const w of gcc.warnings) report(w, 'GCC client data');
      return;
    }
    if (tag === MCS_CONNECT_RESPONSE_TAG) {
      const cr = parseConnectResponse(b, m, end);
      if (isParseError(cr)) return report(cr, 'MCS Connect-Response');
      const fields: Record<string, unknown> = { result: cr.result };
      if (cr.calledConnectId !== undefined) fields.calledConnectId = cr.calledConnectId;
      const gcc = cr.userDataStart < cr.userDataEnd ? parseGccServerData(b, cr.userDataStart, cr.userDataEnd) : null;
      fields.userDataFound = gcc?.found ?? false;
      fields.blockTypes = gcc?.blockTypes ?? [];
      if (gcc?.core) fields.serverCore = gcc.core;
      const sec = gcc?.security;
      if (sec) {
        fields.encryptionMethod = sec.encryptionMethod;
        fields.encryptionLevel = sec.encryptionLevel;
        if (sec.serverRandomLen !== undefined) fields.serverRandomLen = sec.serverRandomLen;
        if (sec.serverCertLen !== undefined) fields.serverCertLen = sec.serverCertLen;
        if (sec.serverCertType !== undefined) fields.serverCertType = sec.serverCertType;
        if (sec.serverCertVersion !== undefined) fields.serverCertVersion = sec.serverCertVersion;
        if (sec.serverCertPermanent !== undefined) fields.serverCertPermanent = sec.serverCertPermanent;
        if (sec.serverCertCount !== undefined) fields.serverCertCount = sec.serverCertCount;
        this.encryptionMethod = sec.encryptionMethod;
        this.encryptionLevel = sec.encryptionLevel;
      }
      if (gcc?.network) {
        fields.ioChannelId = gcc.network.mcsChannelId;
        this.ioChannelId = gcc.network.mcsChannelId;
      }
      fields.channelIds = gcc?.network?.channelIds ?? [];
      if (gcc?.messageChannelId !== undefined) {
        fields.messageChannelId = gcc.messageChannelId;
        this.messageChannelId = gcc.messageChannelId;
      }
      if (gcc?.multitransportFlags !== undefined) fields.multitransportFlags = gcc.multitransportFlags;
      this.emit('rdp.mcs_connect_response', dir, firstFrame, info, fields);
      if (cr.truncated) report({ error: 'userData runs past the PDU', offset: cr.userDataEnd }, 'MCS Connect-Response');
      if (gcc) for (const w of gcc.warnings) report(w, 'GCC server data');
      return;
    }
    const pdu = parseDomainPdu(b, m, end);
    if (isParseError(pdu)) return report(pdu, 'MCS');
    switch (pdu.kind) {
      case 'erect_domain':
        return this.emit('rdp.mcs_erect_domain', dir, firstFrame, info, { subHeight: pdu.subHeight, subInterval: pdu.subInterval });
      case 'attach_user_request':
        return this.emit('rdp.mcs_attach_user_request', dir, firstFrame, info, {});
      case 'attach_user_confirm':
        return this.emit('rdp.mcs_attach_user_confirm', dir, firstFrame, info, pdu.userId === undefined ? { result: pdu.result } : { result: pdu.result, userId: pdu.userId });
      case 'channel_join_request':
        return this.emit('rdp.mcs_channel_join_request', dir, firstFrame, info, { userId: pdu.userId, channelId: pdu.channelId });
      case 'channel_join_confirm': {
        const f: Record<string, unknown> = { result: pdu.result, userId: pdu.userId, requestedChannelId: pdu.requestedChannelId };
        if (pdu.channelId !== undefined) f.channelId = pdu.channelId;
        return this.emit('rdp.mcs_channel_join_confirm', dir, firstFrame, info, f);
      }
      case 'dpu':
        return this.emit('rdp.mcs_dpu', dir, firstFrame, info, { reason: pdu.reason });
      case 'reject_ultimatum':
        return this.emit('rdp.mcs_reject_ultimatum', dir, firstFrame, info, {});
      case 'other':
        return this.emit('rdp.mcs_other', dir, firstFrame, info, { choice: pdu.choice });
      case 'send_data':
        if (pdu.truncated) report({ error: 'Send Data length runs past the PDU', offset: pdu.dataEnd }, 'MCS Send Data');
        return this.sendData(dir, b, pdu.dataStart, pdu.dataEnd, pdu.channelId, firstFrame, info, report);
    }
  }

  private sendData(
    dir: Dir,
    b: Uint8Array,
    ds: number,
    de: number,
    channelId: number,
    firstFrame: number,
    info: ChunkInfo,
    report: (err: ParseError, where: string) => void,
  ): void {
    const isIo = channelId === this.ioChannelId;
    const standard = this.standardSecurityEncrypting;
    if (!isIo && !standard) return; // virtual channel / message channel data: not decoded
    const hasSec = standard || !looksLikeShareControl(b, ds, de);
    if (!hasSec) {
      this.share(dir, b, ds, de, firstFrame, info, report);
      return;
    }
    const flags = securityFlags(b, ds, de);
    if (flags < 0) return report({ error: 'security header truncated', offset: ds }, 'RDP security header');
    if (flags & SEC.ENCRYPT) {
      this.emit('rdp.encrypted_pdu', dir, firstFrame, info, { length: de - ds, secFlags: flags, channelId });
      return;
    }
    if (!isIo) return;
    const body = ds + BASIC_SECURITY_HEADER_LENGTH;
    if (flags & SEC.EXCHANGE_PKT) {
      const len = parseSecurityExchange(b, body, de);
      if (isParseError(len)) return report(len, 'Security Exchange PDU');
      this.emit('rdp.security_exchange', dir, firstFrame, info, { length: len });
      return;
    }
    if (flags & SEC.INFO_PKT) {
      const ci = parseClientInfo(b, body, de);
      if (isParseError(ci)) return report(ci, 'Client Info PDU');
      this.emit('rdp.client_info', dir, firstFrame, info, { secFlags: flags, ...ci });
      if (ci.truncated) report({ error: 'strings run past the PDU', offset: de }, 'Client Info PDU');
      return;
    }
    if (flags & SEC.LICENSE_PKT) {
      const lic = parseLicensePdu(b, body, de);
      if (isParseError(lic)) return report(lic, 'Licensing PDU');
      this.emit('rdp.license', dir, firstFrame, info, { secFlags: flags, ...lic });
      return;
    }
    if (flags & SEC.REDIRECTION_PKT) {
      this.emit('rdp.server_redirection', dir, firstFrame, info, {});
      return;
    }
    if (flags & SEC_IGNORED) return;
    if (standard) {
      // Unencrypted share PDU under Standard RDP Security (e.g. server → client at level LOW).
      this.share(dir, b, body, de, firstFrame, info, report);
      return;
    }
    report({ error: `unrecognised security header flags 0x${flags.toString(16)}`, offset: ds }, 'RDP security header');
  }

  private share(dir: Dir, b: Uint8Array, s: number, e: number, firstFrame: number, info: ChunkInfo, report: (err: ParseError, where: string) => void): void {
    const err = parseSharePdus(b, s, e, (pdu: SharePdu) => {
      const { kind, ...fields } = pdu;
      const type = `rdp.${kind}` as RdpEvent['type'];
      this.emit(type, dir, firstFrame, info, fields);
    });
    if (err) report(err, 'Share PDU');
  }

  /** A whole fast-path PDU. */
  fastPath(dir: Dir, b: Uint8Array, start: number, end: number, firstFrame: number, info: ChunkInfo): void {
    const encrypted = (fastPathFlags(b[start]!) & FASTPATH_FLAG_ENCRYPTED) !== 0;
    this.emit('rdp.fastpath', dir, firstFrame, info, { length: end - start, encrypted });
  }

  /** The 4-byte HYBRID_EX Early User Authorization Result. */
  earlyUserAuth(dir: Dir, b: Uint8Array, start: number, end: number, firstFrame: number, info: ChunkInfo): void {
    const result = parseEarlyUserAuthResult(b, start, end);
    if (result >= 0) this.emit('rdp.early_user_auth', dir, firstFrame, info, { result });
  }

  /** True when the selected protocol asks for a TLS (or other) upgrade after the CC. */
  static upgradesAfter(cc: X224ConnectionConfirm): boolean {
    return cc.negotiation === 'response' && (cc.selectedProtocol ?? 0) !== PROTOCOL.RDP;
  }
}
