/**
 * RdgStreamDecoder: the decrypted HTTP byte stream of one RD Gateway TCP connection, both
 * directions → rdg.* events.
 *
 *   HTTP/1.1 messages (requests on dir 0, responses on dir 1)
 *   ├─ 101 Switching Protocols (Upgrade: websocket) → WebSocket frames both ways
 *   │     └─ binary payloads → MS-TSGU packets
 *   ├─ 200 to RDG_OUT_DATA → (seed) + MS-TSGU packets in the response body (OUT channel)
 *   ├─ RDG_IN_DATA body (chunked or large Content-Length) → MS-TSGU packets (IN channel)
 *   ├─ application/kerberos bodies → options.onKdcProxy (KDC proxy, MS-KKDCP)
 *   └─ RPC_IN_DATA / RPC_OUT_DATA → reported as rpc-over-http, bodies not decoded
 *
 * MS-TSGU DATA payloads (the inner RDP connection) go in order to options.onInnerData.
 * DATA packets are counted, not reported one by one: `rdg.data` for the first packet of a
 * direction and `rdg.data_summary` at end(dir).
 *
 * A gap or malformed framing ends decoding of that direction with one DecodeIssue; the
 * other direction goes on. Memory is bounded: heads ≤ MAX_HTTP_HEAD, control packets and
 * KDC proxy bodies ≤ MAX_PDU_BUFFER, bytes held while waiting for an upgrade answer ≤
 * MAX_PDU_BUFFER.
 */
import { issue, type IssueSeverity } from '../../core/issues.js';
import { MAX_PDU_BUFFER, type ChunkInfo, type Dir, type Sink, type StreamDecoder } from '../stream.js';
import type { RdgEvent } from './events.js';
import { decodeAuthToken } from '../credssp/auth-token.js';
import type { KrbEvent } from '../kerberos/events.js';
import type { NtlmEvent } from '../ntlm/events.js';
import {
  contentLengthOf,
  defaultBodyMode,
  headerTokens,
  headerValue,
  headerValues,
  HttpParser,
  isChunked,
  type HttpBodyMode,
  type HttpHead,
} from './http.js';
import {
  authorizationScheme,
  mediaType,
  splitTarget,
  transportKind,
  wantsWebsocket,
  wwwAuthenticateChallenges,
} from './rdg-headers.js';
import { decodeTsguPacket } from './tsgu.js';
import { TsguStream } from './tsgu-stream.js';
import { WebSocketParser, WsOpcode } from './websocket.js';

export interface RdgDecoderOptions {
  /** Tunnelled RDP bytes (MS-TSGU DATA payloads) of direction `dir`, in order; view valid during the call. */
  onInnerData?: (dir: Dir, data: Uint8Array, info: ChunkInfo) => void;
  /** A complete `application/kerberos` body (KDC proxy message) of direction `dir`. */
  onKdcProxy?: (dir: Dir, body: Uint8Array, info: ChunkInfo) => void;
  /** Mark every event as read from decrypted TLS. */
  decrypted?: boolean;
  /** NTLM / Kerberos messages found in HTTP Authorization / WWW-Authenticate tokens. */
  onAuthEvent?: (e: NtlmEvent | KrbEvent) => void;
}

/** Where the body bytes of the current HTTP message go. */
type BodyTarget = 'ignore' | 'tsgu' | 'ws' | 'kdc' | 'pending' | 'seed';

/** A 200 to RDG_OUT_DATA with a Content-Length up to this is taken as the seed body only. */
const MAX_SEED_CONTENT_LENGTH = 4096;
/** Requests remembered for matching responses. */
const MAX_PENDING_REQUESTS = 32;

class DirState {
  http: HttpParser;
  target: BodyTarget = 'ignore';
  ws: WebSocketParser | null = null;
  tsgu: TsguStream | null = null;
  kdc: Uint8Array | null = null;
  kdcLen = 0;
  kdcOverflow = false;
  kdcStartFrame = 0;
  /** Bytes after an Upgrade request, held until the response says whether they are frames. */
  pending: Uint8Array[] = [];
  pendingLen = 0;
  pendingInfo: ChunkInfo[] = [];
  awaitingUpgrade = false;
  /** After the seed body of a 200 to RDG_OUT_DATA, the rest of the stream is MS-TSGU. */
  tsguAfterMessage = false;
  /** The current body is a long-lived channel (RDG_IN_DATA, RPC): its end with the stream is normal. */
  channelBody = false;
  dataPackets = 0;
  dataBytes = 0;
  dead = false;
  ended = false;

  constructor(http: HttpParser) {
    this.http = http;
  }
}

export class RdgStreamDecoder implements StreamDecoder {
  private readonly dirs: [DirState, DirState];
  private readonly requests: string[] = [];
  private readonly decrypted: boolean;

  constructor(
    private readonly sink: Sink<RdgEvent>,
    private readonly options: RdgDecoderOptions = {},
  ) {
    this.decrypted = options.decrypted ?? false;
    this.dirs = [new DirState(this.newHttp(0)), new DirState(this.newHttp(1))];
  }

  /** DATA packets and payload bytes seen so far, per direction. */
  get dataCounts(): { packets: [number, number]; bytes: [number, number] } {
    return {
      packets: [this.dirs[0].dataPackets, this.dirs[1].dataPackets],
      bytes: [this.dirs[0].dataBytes, this.dirs[1].dataBytes],
    };
  }

  push(dir: Dir, data: Uint8Array, info: ChunkInfo): void {
    const d = this.dirs[dir];
    if (d.dead || d.ended || data.length === 0) return;
    d.http.push(data, info);
  }

  gap(dir: Dir, length: number, info: ChunkInfo): void {
    const d = this.dirs[dir];
    if (d.dead || d.ended) return;
    if (d.http.raw && d.target === 'ignore') return; // opaque body: nothing to resynchronise
    this.report(info, d.http.offset, `${length} bytes missing in ${dir === 0 ? 'client' : 'server'} stream; direction no longer decoded`);
    this.kill(dir);
  }

  end(dir: Dir, info: ChunkInfo): void {
    const d = this.dirs[dir];
    if (d.ended) return;
    if (!d.dead) {
      if (d.channelBody) d.http.stop();
      else d.http.end(info);
      if (d.ws?.midFrame) this.report(info, d.ws.offset, 'WebSocket frame cut short by the end of the stream');
      if (d.tsgu?.midPacket) this.report(info, d.tsgu.offset, 'MS-TSGU packet cut short by the end of the stream');
    }
    d.ended = true;
    if (d.dataPackets > 0) {
      this.emit({ type: 'rdg.data_summary', ...this.base(dir, info), packets: d.dataPackets, bytes: d.dataBytes });
    }
  }

  // ---------------------------------------------------------------- plumbing

  private base(dir: Dir, info: ChunkInfo, firstFrame?: number): { frame: number; ts: number; dir: Dir; firstFrame?: number; decrypted?: boolean } {
    const b: { frame: number; ts: number; dir: Dir; firstFrame?: number; decrypted?: boolean } = { frame: info.frame, ts: info.ts, dir };
    if (firstFrame !== undefined && firstFrame !== info.frame) b.firstFrame = firstFrame;
    if (this.decrypted) b.decrypted = true;
    return b;
  }

  private emit(e: RdgEvent): void {
    this.sink(e);
  }

  private report(info: ChunkInfo, offset: number, message: string, severity: IssueSeverity = 'warning'): void {
    this.sink(issue('rdg', info.frame, info.ts, offset, message, severity));
  }

  private kill(dir: Dir): void {
    const d = this.dirs[dir];
    d.dead = true;
    d.http.stop();
    d.ws?.stop();
    d.tsgu?.stop();
    d.pending = [];
    d.pendingInfo = [];
    d.kdc = null;
  }

  private newHttp(dir: Dir): HttpParser {
    return new HttpParser({
      onHead: (head, info) => (dir === 0 ? this.onRequest(head, info) : this.onResponse(head, info)),
      onBody: (data, info) => this.onBody(dir, data, info),
      onMessageEnd: (info) => this.onMessageEnd(dir, info),
      onError: (offset, message, info) => {
        this.report(info, offset, message);
        this.kill(dir);
      },
    });
  }

  private newTsgu(dir: Dir, skipSeed: boolean): TsguStream {
    return new TsguStream(
      {
        onPacket: (b, start, end, info, firstFrame) => {
          const p = decodeTsguPacket(b, start, end);
          if (p.type === 'malformed') {
            this.report(info, this.dirs[dir].tsgu?.offset ?? 0, `MS-TSGU: ${p.message}`);
            return;
          }
          this.emit({ ...p, ...this.base(dir, info, firstFrame) } as RdgEvent);
        },
        onData: (payload, info) => {
          const d = this.dirs[dir];
          d.dataBytes += payload.length;
          if (payload.length > 0) this.options.onInnerData?.(dir, payload, info);
        },
        onDataPacket: (length, info, firstFrame) => {
          const d = this.dirs[dir];
          if (d.dataPackets++ === 0) this.emit({ type: 'rdg.data', ...this.base(dir, info, firstFrame), length });
        },
        onError: (offset, message, info, fatal) => {
          this.report(info, offset, `MS-TSGU: ${message}`);
          if (fatal) this.kill(dir);
        },
      },
      { skipSeed },
    );
  }

  private newWs(dir: Dir): WebSocketParser {
    return new WebSocketParser({
      onData: (data, info) => {
        const d = this.dirs[dir];
        (d.tsgu ??= this.newTsgu(dir, false)).push(data, info);
      },
      onControl: (opcode, payload, info, firstFrame) => {
        if (opcode === WsOpcode.close) {
          let code: number | undefined;
          let reason: string | undefined;
          if (payload.length >= 2) {
            code = (payload[0]! << 8) | payload[1]!;
            if (payload.length > 2) reason = new TextDecoder('utf-8', { fatal: false }).decode(payload.subarray(2));
          }
          this.emit({
            type: 'rdg.websocket_close',
            ...this.base(dir, info, firstFrame),
            ...(code !== undefined ? { code } : {}),
            ...(reason !== undefined ? { reason } : {}),
          });
        } else {
          this.emit({
            type: opcode === WsOpcode.ping ? 'rdg.websocket_ping' : 'rdg.websocket_pong',
            ...this.base(dir, info, firstFrame),
            length: payload.length,
          });
        }
      },
      onText: (length, info) => {
        this.report(info, this.dirs[dir].ws?.offset ?? 0, `WebSocket text frame (${length} bytes) ignored: MS-TSGU uses binary frames`);
      },
      onError: (offset, message, info) => {
        this.report(info, offset, message);
        this.kill(dir);
      },
    });
  }

  // ---------------------------------------------------------------- HTTP messages

  /**
   * NTLM / Negotiate tokens in Authorization and WWW-Authenticate headers (the 401 legs of the
   * gateway's HTTP authentication): decoded like CredSSP's tokens, so NTLM message types and
   * Kerberos errors of the gateway leg appear as events.
   */
  private authTokens(values: string[], dir: Dir, info: ChunkInfo, firstFrame: number | undefined): void {
    for (const v of values) {
      for (const part of v.split(',')) {
        const m = /^\s*(NTLM|Negotiate|Kerberos)\s+([A-Za-z0-9+/=]{8,})\s*$/i.exec(part);
        if (!m) continue;
        const token = Buffer.from(m[2]!, 'base64');
        if (token.length === 0) continue;
        const origin = { frame: info.frame, ts: info.ts, dir, ...(this.decrypted ? { decrypted: true } : {}), ...(firstFrame !== undefined && firstFrame !== info.frame ? { firstFrame } : {}) };
        const d = decodeAuthToken(new Uint8Array(token.buffer, token.byteOffset, token.byteLength), origin);
        for (const e of d.events) this.options.onAuthEvent?.(e);
      }
    }
  }

  private onRequest(head: HttpHead, info: ChunkInfo): HttpBodyMode | void {
    const d = this.dirs[0];
    const { path, query } = splitTarget(head.target);
    const contentType = mediaType(head);
    const transport = transportKind(head.method, path, contentType);
    const contentLength = contentLengthOf(head);
    const upgradeWebsocket = wantsWebsocket(head);
    const authorization = headerValue(head, 'authorization');
    const opt = (name: string, header: string): Record<string, string> => {
      const v = headerValue(head, header);
      return v !== undefined ? { [name]: v } : {};
    };
    const authScheme = authorizationScheme(authorization);
    if (authorization !== undefined) this.authTokens([authorization], 0, info, head.firstFrame);
    this.emit({
      type: 'rdg.http_request',
      ...this.base(0, info, head.firstFrame),
      method: head.method,
      path,
      ...(query !== undefined ? { query } : {}),
      version: head.version,
      transport,
      ...opt('host', 'host'),
      ...opt('userAgent', 'user-agent'),
      ...opt('rdgConnectionId', 'rdg-connection-id'),
      ...opt('rdgCorrelationId', 'rdg-correlation-id'),
      ...opt('rdgUserId', 'rdg-user-id'),
      ...opt('rdgAuthScheme', 'rdg-auth-scheme'),
      ...(authScheme !== undefined ? { authScheme } : {}),
      hasAuthorization: authorization !== undefined,
      upgradeWebsocket,
      ...opt('secWebSocketVersion', 'sec-websocket-version'),
      hasSecWebSocketKey: headerValue(head, 'sec-websocket-key') !== undefined,
      ...(contentType !== undefined ? { contentType } : {}),
      ...(contentLength !== undefined && !Number.isNaN(contentLength) ? { contentLength } : {}),
      chunked: isChunked(head),
      connection: headerTokens(head, 'connection'),
    });

    if (head.method === 'PRI' && head.version === 'HTTP/2.0') {
      // HTTP/2 (seen for KDC proxy connections): nothing more is decoded on this connection.
      this.emit({ type: 'rdg.http2', ...this.base(0, info, head.firstFrame) });
      d.target = 'ignore';
      const s = this.dirs[1];
      s.target = 'ignore';
      s.http.enterRaw();
      return 'raw';
    }

    if (this.requests.length >= MAX_PENDING_REQUESTS) this.requests.shift();
    this.requests.push(head.method);

    const mode = defaultBodyMode(head);
    d.channelBody = false;
    if (transport === 'rpc-over-http') {
      this.emit({ type: 'rdg.rpc_over_http', ...this.base(0, info, head.firstFrame), method: head.method, path });
      d.target = 'ignore';
      d.channelBody = true;
      return mode;
    }
    if (contentType === 'application/kerberos') {
      this.startKdc(d, info);
      return mode;
    }
    if (head.method === 'RDG_IN_DATA' && mode !== 'none') {
      d.target = 'tsgu';
      d.channelBody = true;
      d.tsgu ??= this.newTsgu(0, false);
      return mode;
    }
    if (upgradeWebsocket && mode === 'none') {
      // The client sends frames only after 101; hold whatever follows until the answer is seen.
      d.awaitingUpgrade = true;
      d.target = 'pending';
      return 'raw';
    }
    d.target = 'ignore';
    return mode;
  }

  private onResponse(head: HttpHead, info: ChunkInfo): HttpBodyMode | void {
    const d = this.dirs[1];
    const interim = head.status >= 100 && head.status < 200 && head.status !== 101;
    const requestMethod = interim ? this.requests[0] : this.requests.shift();
    const contentType = mediaType(head);
    const contentLength = contentLengthOf(head);
    const upgradeWebsocket = wantsWebsocket(head);
    const rdgAuthScheme = headerValue(head, 'rdg-auth-scheme');
    const server = headerValue(head, 'server');
    this.authTokens(headerValues(head, 'www-authenticate'), 1, info, head.firstFrame);
    this.emit({
      type: 'rdg.http_response',
      ...this.base(1, info, head.firstFrame),
      status: head.status,
      reason: head.reason,
      version: head.version,
      ...(requestMethod !== undefined ? { requestMethod } : {}),
      wwwAuthenticate: wwwAuthenticateChallenges(head),
      ...(rdgAuthScheme !== undefined ? { rdgAuthScheme } : {}),
      ...(server !== undefined ? { server } : {}),
      ...(contentType !== undefined ? { contentType } : {}),
      ...(contentLength !== undefined && !Number.isNaN(contentLength) ? { contentLength } : {}),
      chunked: isChunked(head),
      upgradeWebsocket,
      hasSecWebSocketAccept: headerValue(head, 'sec-websocket-accept') !== undefined,
      connection: headerTokens(head, 'connection'),
    });

    if (interim) return 'none';
    const client = this.dirs[0];

    if (head.status === 101) {
      if (upgradeWebsocket) {
        this.emit({ type: 'rdg.websocket_upgrade', ...this.base(1, info, head.firstFrame), status: 101 });
        d.ws = this.newWs(1);
        d.target = 'ws';
        this.switchClientToWebsocket(info);
      } else {
        // Unknown protocol upgrade: both directions become opaque.
        d.target = 'ignore';
        client.target = 'ignore';
        client.awaitingUpgrade = false;
        client.pending = [];
        client.pendingInfo = [];
        if (!client.dead) client.http.enterRaw();
      }
      return 'raw';
    }

    if (client.awaitingUpgrade) this.resumeClientHttp();

    const mode = defaultBodyMode(head, requestMethod);
    d.channelBody = false;
    if (contentType === 'application/kerberos') {
      this.startKdc(d, info);
      return mode;
    }
    if (requestMethod === 'RPC_IN_DATA' || requestMethod === 'RPC_OUT_DATA') {
      d.target = 'ignore';
      d.channelBody = true;
      return mode;
    }
    if (head.status === 200 && requestMethod === 'RDG_OUT_DATA') {
      // OUT channel of the HTTP transport: a seed, then MS-TSGU packets for the rest of the stream.
      const cl = contentLength;
      if (mode === 'length' && cl !== undefined && cl <= MAX_SEED_CONTENT_LENGTH) {
        d.target = 'seed';
        d.tsguAfterMessage = true;
        return mode;
      }
      d.target = 'tsgu';
      d.channelBody = true;
      d.tsgu ??= this.newTsgu(1, true);
      return mode === 'none' ? 'raw' : mode;
    }
    d.target = 'ignore';
    return mode;
  }

  private switchClientToWebsocket(info: ChunkInfo): void {
    const c = this.dirs[0];
    if (c.dead) return;
    c.ws = this.newWs(0);
    c.target = 'ws';
    if (c.awaitingUpgrade) {
      c.awaitingUpgrade = false;
      const pending = c.pending;
      const infos = c.pendingInfo;
      c.pending = [];
      c.pendingInfo = [];
      c.pendingLen = 0;
      for (let k = 0; k < pending.length && !c.dead; k++) c.ws.push(pending[k]!, infos[k] ?? info);
    } else {
      c.http.enterRaw();
    }
  }

  /** The Upgrade request was not accepted: what the client sent meanwhile is HTTP again. */
  private resumeClientHttp(): void {
    const c = this.dirs[0];
    c.awaitingUpgrade = false;
    c.target = 'ignore';
    const pending = c.pending;
    const infos = c.pendingInfo;
    c.pending = [];
    c.pendingInfo = [];
    c.pendingLen = 0;
    if (c.dead) return;
    c.http = this.newHttp(0);
    for (let k = 0; k < pending.length && !c.dead; k++) c.http.push(pending[k]!, infos[k]!);
  }

  private startKdc(d: DirState, info: ChunkInfo): void {
    d.target = 'kdc';
    d.kdcLen = 0;
    d.kdcOverflow = false;
    d.kdcStartFrame = info.frame;
  }

  private onBody(dir: Dir, data: Uint8Array, info: ChunkInfo): void {
    const d = this.dirs[dir];
    switch (d.target) {
      case 'ignore':
      case 'seed':
        return;
      case 'tsgu':
        (d.tsgu ??= this.newTsgu(dir, false)).push(data, info);
        return;
      case 'ws':
        d.ws?.push(data, info);
        return;
      case 'kdc': {
        if (d.kdcOverflow) return;
        const need = d.kdcLen + data.length;
        if (need > MAX_PDU_BUFFER) {
          d.kdcOverflow = true;
          d.kdc = null;
          this.report(info, d.http.offset, `KDC proxy body larger than ${MAX_PDU_BUFFER} bytes; not decoded`);
          return;
        }
        if (!d.kdc || d.kdc.length < need) {
          const bigger = new Uint8Array(Math.max(need, (d.kdc?.length ?? 0) * 2, 1024));
          if (d.kdc) bigger.set(d.kdc.subarray(0, d.kdcLen));
          d.kdc = bigger;
        }
        d.kdc.set(data, d.kdcLen);
        d.kdcLen = need;
        return;
      }
      case 'pending': {
        if (d.pendingLen + data.length > MAX_PDU_BUFFER) {
          this.report(info, d.http.offset, 'too many client bytes after an Upgrade request without an answer; direction no longer decoded');
          this.kill(dir);
          return;
        }
        d.pending.push(data.slice());
        d.pendingInfo.push(info);
        d.pendingLen += data.length;
        return;
      }
    }
  }

  private onMessageEnd(dir: Dir, info: ChunkInfo): void {
    const d = this.dirs[dir];
    if (d.target === 'kdc') {
      if (!d.kdcOverflow && d.kdc) {
        const body = d.kdc.subarray(0, d.kdcLen);
        this.emit({ type: 'rdg.kdc_proxy', ...this.base(dir, info, d.kdcStartFrame), length: d.kdcLen });
        this.options.onKdcProxy?.(dir, body, info);
      }
      d.kdc = null;
      d.kdcLen = 0;
      d.target = 'ignore';
      return;
    }
    if (d.tsguAfterMessage) {
      d.tsguAfterMessage = false;
      d.channelBody = true;
      d.target = 'tsgu';
      d.tsgu ??= this.newTsgu(dir, true);
      d.http.enterRaw();
      return;
    }
    d.channelBody = false;
    if (d.target !== 'ws' && d.target !== 'pending') d.target = 'ignore';
  }
}
