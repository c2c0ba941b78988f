/**
 * The per-connection analyzer tree. Direct RDP: X.224 in the clear, handed to TLS once the
 * negotiation selects it (or the stream starts with TLS), decrypted plaintext to CredSSP and
 * the RDP PDU decoder. RD Gateway / TLS on 443: TLS, decrypted HTTP to the MS-TSGU decoder,
 * tunnelled bytes to an inner RDP analyzer. Kerberos and RDP-UDP directly.
 */
import { decodeKdcProxyBody } from '../protocols/kerberos/kkdcp.js';
import { KerberosTcpDecoder } from '../protocols/kerberos/framing.js';
import { RdgStreamDecoder } from '../protocols/rdg/rdg-decoder.js';
import { RdpStreamDecoder } from '../protocols/rdp/rdp-decoder.js';
import type { ChunkInfo, Dir, Sink, StreamDecoder } from '../protocols/stream.js';
import { TlsStreamDecoder } from '../protocols/tls/tls-decoder.js';
import type { DecryptorFactory } from '../protocols/tls/decrypt/types.js';
import { PROTOCOL_HYBRID_EX } from '../codes/rdp-protocols.js';
import { ConnectionRecord } from './connection-record.js';
import type { SessionEvent } from './events.js';
import { InnerRdpDispatcher } from './inner-rdp.js';

function markDecrypted(sink: (e: SessionEvent) => void): (e: SessionEvent) => void {
  return (e) => sink({ ...(e as object), decrypted: true } as SessionEvent);
}

/** Direct RDP on one TCP connection (or tunnelled through a gateway when `tunnelled`). */
export class RdpAnalyzer implements StreamDecoder {
  private readonly rdp: RdpStreamDecoder;
  private tls: TlsStreamDecoder | null = null;
  private inner: InnerRdpDispatcher | null = null;
  private readonly sink: (e: SessionEvent) => void;

  constructor(
    private readonly record: ConnectionRecord,
    private readonly decryption: DecryptorFactory | undefined,
    tunnelled = false,
  ) {
    this.sink = tunnelled ? markDecrypted(record.onEvent) : record.onEvent;
    this.rdp = new RdpStreamDecoder(this.sink, {
      onUpgrade: (dir, rest, info) => this.tlsDecoder().push(dir, rest, info),
    });
  }

  private tlsDecoder(): TlsStreamDecoder {
    if (!this.tls) {
      const opts: ConstructorParameters<typeof TlsStreamDecoder>[1] = {
        onPlaintext: (dir, data, info) => this.innerDispatcher().push(dir, data, info),
        onPlaintextGap: (dir, info) => this.innerDispatcher().gap(dir, 1, info),
      };
      if (this.decryption) opts.decryption = this.decryption;
      this.tls = new TlsStreamDecoder(this.sink, opts);
    }
    return this.tls;
  }

  private innerDispatcher(): InnerRdpDispatcher {
    this.inner ??= new InnerRdpDispatcher(this.record.onEvent, this.record.rdp.selectedProtocol === PROTOCOL_HYBRID_EX);
    return this.inner;
  }

  push(dir: Dir, data: Uint8Array, info: ChunkInfo): void {
    this.rdp.push(dir, data, info);
  }

  gap(dir: Dir, length: number, info: ChunkInfo): void {
    if (this.rdp.isUpgraded(dir)) this.tlsDecoder().gap(dir, length, info);
    else this.rdp.gap(dir, length, info);
  }

  end(dir: Dir, info: ChunkInfo): void {
    if (this.rdp.isUpgraded(dir)) {
      this.tlsDecoder().end(dir, info);
      this.inner?.end(dir, info);
    } else this.rdp.end(dir, info);
  }
}

/** TLS on 443 (or elsewhere): decrypted HTTP is checked for RD Gateway traffic. */
export class TlsGatewayAnalyzer implements StreamDecoder {
  private readonly tls: TlsStreamDecoder;
  private rdg: RdgStreamDecoder | null = null;
  private innerAnalyzer: RdpAnalyzer | null = null;

  constructor(
    private readonly record: ConnectionRecord,
    private readonly decryption: DecryptorFactory | undefined,
  ) {
    const opts: ConstructorParameters<typeof TlsStreamDecoder>[1] = {
      onPlaintext: (dir, data, info) => this.rdgDecoder().push(dir, data, info),
      onPlaintextGap: (dir, info) => this.rdgDecoder().gap(dir, 1, info),
    };
    if (decryption) opts.decryption = decryption;
    this.tls = new TlsStreamDecoder(record.onEvent, opts);
  }

  private rdgDecoder(): RdgStreamDecoder {
    this.rdg ??= new RdgStreamDecoder(this.record.onEvent, {
      decrypted: true,
      onAuthEvent: this.record.onEvent,
      onInnerData: (dir, data, info) => this.inner().push(dir, data, info),
      onKdcProxy: (dir, body, info) => decodeKdcProxyBody(dir, body, info, this.record.onEvent),
    });
    return this.rdg;
  }

  private inner(): RdpAnalyzer {
    if (!this.innerAnalyzer) {
      const rec = new ConnectionRecord(this.record.conn, 'rdp');
      rec.outer = this.record;
      this.record.inner = rec;
      this.innerAnalyzer = new RdpAnalyzer(rec, this.decryption, true);
    }
    return this.innerAnalyzer;
  }

  push(dir: Dir, data: Uint8Array, info: ChunkInfo): void {
    this.tls.push(dir, data, info);
  }
  gap(dir: Dir, length: number, info: ChunkInfo): void {
    this.tls.gap(dir, length, info);
  }
  end(dir: Dir, info: ChunkInfo): void {
    this.tls.end(dir, info);
    this.rdg?.end(dir, info);
    this.innerAnalyzer?.end(dir, info);
  }
}

export function kerberosTcpAnalyzer(record: ConnectionRecord): StreamDecoder {
  return new KerberosTcpDecoder(record.onEvent);
}
