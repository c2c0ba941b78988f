/**
 * Without TLS keys, how far an RDP connection got inside TLS is inferred from the sizes and
 * directions of its encrypted records (protocol-facts §4.0, §4.13). Every phase reached here is
 * marked inferred. The sequence after the TLS handshake (MS-RDPBCGR 1.3.1.1, MS-CSSP 3.1.5):
 *
 *   CredSSP (HYBRID, HYBRID_EX)  client and server TSRequests strictly alternate; the client's last one
 *                                (TSCredentials) is followed by its MCS Connect Initial without a
 *                                server record between them — or only the 4-byte HYBRID_EX Early
 *                                User Authorization Result (MS-RDPBCGR 2.2.10.2)
 *   mcs                          Connect Initial (hundreds of bytes: GCC user data), then small PDUs
 *                                (Erect Domain, Attach User, Channel Join: ~8–20 bytes each)
 *   secure-settings              Client Info: the first client PDU of ≥ 100 bytes after the server's
 *                                Connect Response
 *   licensing                    the server's first PDU after Client Info (with connect-time
 *                                auto-detection, MS-RDPBCGR 1.3.1.1 phase 6, that is an auto-detect
 *                                request: licensing is then stamped early)
 *   capabilities                 Demand Active: the last large server PDU before the client's Confirm
 *                                Active (≥ 300 bytes), never the server's first PDU after Client Info
 *                                (that one is licensing: a License Request answered by a large New
 *                                License Request is not a Demand Active answered by Confirm Active). A
 *                                Demand Active the client never answers is not recognised: a
 *                                connection broker's Server Redirection PDU comes in its place, after
 *                                licensing, and the client then closes, which records cannot tell
 *                                apart (the phase stays at licensing). After connect-time
 *                                auto-detection the License Request is no longer the server's first
 *                                PDU: answered by a large License Information it is taken for the
 *                                Demand Active (capabilities stamped early; active is not affected)
 *   active                       the server's fourth small PDU after Confirm Active: its side of the
 *                                connection finalization is Synchronize, Control (Cooperate), Control
 *                                (Granted Control), Font Map (MS-RDPBCGR 1.3.1.1); a large server PDU
 *                                before that restarts the count (it was a licensing exchange); or
 *                                20 000 bytes from the server (graphics flowing), counted after Confirm
 *                                Active when the sequence could be followed (200 000 in all otherwise)
 *
 * Record bodies are turned into plaintext sizes with the negotiated suite's overhead (AEAD tag and
 * explicit nonce, CBC IV/MAC/padding). In TLS 1.3 the client's first protected record is its
 * Finished and server records before it are its encrypted handshake: neither is data. Records of a
 * few bytes from either side (1/n-1 splits, empty fragments) are no PDUs of the sequence.
 *
 * Standard RDP Security (`plain`: sizes of the encrypted PDUs as sent): the phases up to licensing
 * are seen in the clear; Demand Active is the large server PDU a Confirm Active-sized client PDU
 * answers (not one from before licensing as seen in the clear), active as above.
 */
import { PROTOCOL_HYBRID, PROTOCOL_HYBRID_EX, PROTOCOL_SSL } from '../codes/rdp-protocols.js';
import { cipherSuiteInfo } from '../protocols/tls/decrypt/suites.js';
import { ContentType } from '../protocols/tls/record.js';
import { isTls13Version } from '../protocols/tls/server-hello.js';
import type { PhaseMachine } from './phase-machine.js';

/** Bytes of server application data after which a keyless RDP session is taken to be active. */
export const ACTIVE_INFERENCE_BYTES = 20_000;
/** Server bytes counted from the start after which it is taken to be active whatever was recognised. */
export const ACTIVE_FALLBACK_BYTES = 200_000;
/** Records this small (plaintext) are no PDUs of the sequence: the HYBRID_EX Early User Authorization Result (4 bytes), 1/n-1 splits, empty fragments. */
const TINY = 8;
/** Client PDUs at least this large after the Connect Response: Client Info (MCS joins and attach requests are ~8–20 bytes). */
const CLIENT_INFO_MIN = 100;
/** MCS Connect Initial and Confirm Active are at least this large (GCC blocks, capability sets). */
const LARGE_CLIENT_PDU = 200;
const CONFIRM_ACTIVE_MIN = 300;
/** Demand Active carries the server's capability sets. */
const DEMAND_ACTIVE_MIN = 150;
/** Server PDUs of the connection finalization, the last being Font Map. */
const SERVER_FINALIZATION_PDUS = 4;


export class KeylessRdpInference {
  private overhead = -1;
  private tls13 = false;
  private clientRecords = 0;
  /** TLS 1.3: the client's Finished has gone by (records before it are handshake). */
  private pastFinished = false;
  /** Server records with more than TINY bytes since the last client record. */
  private serverSinceClient = 0;
  /** Server records answering CredSSP (after the first client TSRequest). */
  private credsspServerRecords = 0;
  private serverAfterMcs = 0;
  /** The last large server record after licensing began (a Demand Active candidate). */
  private bigServerFrame = 0;
  private bigServerTs = 0;
  /** Whether licensing had been seen in the clear (Standard RDP Security) when that large server PDU came. */
  private bigServerAfterSeenLicensing = false;
  private serverBytes = 0;
  private allServerBytes = 0;
  /** Server records since the client's Confirm Active (-1 before it). */
  private serverAfterConfirm = -1;
  /** Client Info was recognised here, in the record sequence (not seen decoded, as with Standard RDP Security). */
  private clientInfoRecognised = false;

  constructor(private readonly machine: PhaseMachine) {}

  /** The negotiated version and suite (ServerHello), for the record overhead. */
  setSuite(version: number | null, suite: number | null): void {
    this.tls13 = version !== null && isTls13Version(version);
    const info = suite === null ? undefined : cipherSuiteInfo(suite);
    if (info === undefined) this.overhead = this.tls13 ? 17 : 24;
    else if (info.mode === 'cbc') this.overhead = (version !== null && version >= 0x0302 ? info.blockSize : 0) + info.macLength + info.blockSize / 2;
    else if (this.tls13) this.overhead = info.tagLength + 1;
    else this.overhead = info.tagLength + (info.mode === 'chacha20' ? 0 : 8);
  }

  /** One encrypted record after the TLS handshake (or an encrypted PDU of Standard RDP Security when `plain`: its size as sent). */
  record(dir: 0 | 1, contentType: number, length: number, selected: number | null, frame: number, ts: number, plain = false): void {
    if (!plain && contentType !== ContentType.applicationData) return;
    const m = this.machine;
    if (!plain && this.tls13 && !this.pastFinished) {
      if (dir === 0) this.pastFinished = true;
      return;
    }
    const size = plain ? length : Math.max(0, length - (this.overhead < 0 ? 24 : this.overhead));
    if (dir === 1) {
      this.server(size, length, frame, ts);
      return;
    }
    if (plain) {
      // Standard RDP Security: the phases up to licensing are read in the clear; of the client's
      // encrypted PDUs only Confirm Active, answering the Demand Active, is recognised.
      if (size >= CONFIRM_ACTIVE_MIN) this.confirmActive();
      return;
    }
    // A client record of a few bytes is no PDU of the sequence (a 1/n-1 record split, an empty
    // fragment, a keep-alive): it neither starts a phase nor breaks the alternation.
    if (size <= TINY) return;
    this.clientRecords++;
    const credssp = selected === PROTOCOL_HYBRID || selected === PROTOCOL_HYBRID_EX || selected === null;
    if (this.clientRecords === 1) {
      if (credssp) m.reach('credssp', frame, ts, true);
      else if (selected === PROTOCOL_SSL) m.reach('mcs', frame, ts, true);
    } else if (credssp && !m.has('mcs') && this.credsspServerRecords > 0 && this.serverSinceClient === 0 && size >= LARGE_CLIENT_PDU) {
      m.reach('mcs', frame, ts, true);
    } else if (m.has('mcs') && !m.has('secure-settings') && this.serverAfterMcs > 0 && size >= CLIENT_INFO_MIN) {
      m.reach('secure-settings', frame, ts, true);
      this.clientInfoRecognised = true;
    } else if (size >= CONFIRM_ACTIVE_MIN) {
      this.confirmActive();
    }
    this.serverSinceClient = 0;
  }

  /**
   * A large client PDU after a large server one (not the server's first after Client Info): Confirm
   * Active after Demand Active (or, in a licensing exchange, a reply to a large licensing PDU: the
   * finalization count then restarts at the next such pair).
   */
  private confirmActive(): void {
    const m = this.machine;
    if (this.bigServerFrame === 0) return;
    // Not a PDU that came before licensing as it stands (in arrival order, not frame numbers, which a
    // retransmission reorders): with Standard RDP Security licensing may be seen in the clear after
    // encrypted auto-detection PDUs were taken for its start. Over TLS licensing is never seen.
    if (!m.has('licensing') || (!this.bigServerAfterSeenLicensing && m.seen('licensing'))) return;
    if (!m.has('capabilities')) m.reach('capabilities', this.bigServerFrame, this.bigServerTs, true);
    this.serverAfterConfirm = 0;
    this.bigServerFrame = 0;
  }

  private server(size: number, length: number, frame: number, ts: number): void {
    const m = this.machine;
    // A server record of a few bytes is no PDU of the sequence (a 1/n-1 record split, an empty
    // fragment, the 4-byte HYBRID_EX authorization result): only its bytes count.
    if (size > TINY) {
      this.serverSinceClient++;
      if (m.has('credssp') && !m.has('mcs')) this.credsspServerRecords++;
      if (m.has('mcs')) this.serverAfterMcs++;
      // The server's first PDU after Client Info is licensing (or auto-detection), never Demand Active.
      const first = m.has('secure-settings') && !m.has('licensing');
      if (first) m.reach('licensing', frame, ts, true);
      if (m.has('licensing') && size >= DEMAND_ACTIVE_MIN && !first) {
        this.bigServerFrame = frame;
        this.bigServerTs = ts;
        this.bigServerAfterSeenLicensing = m.seen('licensing');
        // Not a finalization PDU (those are a few dozen bytes): what went before was not Confirm Active.
        if (!m.has('active')) this.serverAfterConfirm = -1;
      } else if (this.serverAfterConfirm >= 0 && ++this.serverAfterConfirm === SERVER_FINALIZATION_PDUS) {
        m.reach('active', frame, ts, true);
      }
    }
    // Graphics volume: counted from the start while the sequence is not readable, but once Client Info
    // was recognised in it, only after Confirm Active (connect-time auto-detection and licensing can
    // carry kilobytes before the session is active).
    if (!this.clientInfoRecognised || this.serverAfterConfirm >= 0 || m.has('capabilities')) this.serverBytes += length;
    this.allServerBytes += length;
    // A volume no connect-time exchange reaches: active even when Confirm Active was not recognised.
    if ((this.serverBytes >= ACTIVE_INFERENCE_BYTES || this.allServerBytes >= ACTIVE_FALLBACK_BYTES) && !m.has('active')) m.reach('active', frame, ts, true);
  }
}
