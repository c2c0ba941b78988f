/**
 * Events reported by the RD Gateway decoder (HTTP transport, WebSocket, MS-TSGU packets).
 * Numeric codes (HRESULTs, flags) stay numbers; naming happens in src/codes/.
 *
 * Sensitive fields (kept raw, redacted at report time, never logged):
 * `rdgUserId`, `clientName`, `targetServers`, `altTargetServers`.
 */
import type { Dir, ProtoEventBase } from '../stream.js';

interface RdgEventBase extends ProtoEventBase {
  readonly dir: Dir;
}

/** One WWW-Authenticate challenge: the scheme name only, and whether anything followed it. */
export interface AuthChallenge {
  readonly scheme: string;
  /** True when a token or parameters followed the scheme name (e.g. an NTLM challenge). */
  readonly hasToken: boolean;
}

/** Which HTTP-based gateway transport a request belongs to. */
export type RdgTransportKind = 'rdg-http' | 'rpc-over-http' | 'kdc-proxy' | 'other';

export interface RdgHttpRequest extends RdgEventBase {
  readonly type: 'rdg.http_request';
  readonly method: string;
  /** Request target without the query string, e.g. `/remoteDesktopGateway/`. */
  readonly path: string;
  readonly query?: string;
  readonly version: string;
  readonly transport: RdgTransportKind;
  readonly host?: string;
  readonly userAgent?: string;
  readonly rdgConnectionId?: string;
  readonly rdgCorrelationId?: string;
  /** RDG-User-Id header, raw (base64 of UTF-16 user name) — sensitive. */
  readonly rdgUserId?: string;
  /** RDG-Auth-Scheme header (e.g. PAA, SSPI_NTLM, SMARTCARD). */
  readonly rdgAuthScheme?: string;
  /** Scheme name of the Authorization header (Negotiate, NTLM, Basic…), never the token. */
  readonly authScheme?: string;
  readonly hasAuthorization: boolean;
  readonly upgradeWebsocket: boolean;
  readonly secWebSocketVersion?: string;
  readonly hasSecWebSocketKey: boolean;
  readonly contentType?: string;
  readonly contentLength?: number;
  readonly chunked: boolean;
  /** Connection header tokens, lower-cased. */
  readonly connection: readonly string[];
}

export interface RdgHttpResponse extends RdgEventBase {
  readonly type: 'rdg.http_response';
  readonly status: number;
  readonly reason: string;
  readonly version: string;
  /** Method of the request this response answers, when that request was seen. */
  readonly requestMethod?: string;
  readonly wwwAuthenticate: readonly AuthChallenge[];
  readonly rdgAuthScheme?: string;
  readonly server?: string;
  readonly contentType?: string;
  readonly contentLength?: number;
  readonly chunked: boolean;
  readonly upgradeWebsocket: boolean;
  readonly hasSecWebSocketAccept: boolean;
  readonly connection: readonly string[];
}

/** A legacy RPC-over-HTTP request (RPC_IN_DATA / RPC_OUT_DATA, /rpc/rpcproxy.dll). Body not decoded. */
export interface RdgRpcOverHttp extends RdgEventBase {
  readonly type: 'rdg.rpc_over_http';
  readonly method: string;
  readonly path: string;
}

/** A KDC proxy (MS-KKDCP) message body, `application/kerberos`; handed to options.onKdcProxy. */
export interface RdgKdcProxy extends RdgEventBase {
  readonly type: 'rdg.kdc_proxy';
  readonly length: number;
}

/** The HTTP/2 connection preface: this connection is not HTTP/1.1 and is not decoded further. */
export interface RdgHttp2 extends RdgEventBase {
  readonly type: 'rdg.http2';
}

export interface RdgWebsocketUpgrade extends RdgEventBase {
  readonly type: 'rdg.websocket_upgrade';
  readonly status: number;
}

export interface RdgWebsocketClose extends RdgEventBase {
  readonly type: 'rdg.websocket_close';
  readonly code?: number;
  readonly reason?: string;
}

export interface RdgWebsocketPing extends RdgEventBase {
  readonly type: 'rdg.websocket_ping' | 'rdg.websocket_pong';
  readonly length: number;
}

export interface RdgHandshakeRequest extends RdgEventBase {
  readonly type: 'rdg.handshake_request';
  readonly versionMajor: number;
  readonly versionMinor: number;
  readonly clientVersion: number;
  /** 0x0 none, 0x1 smart card, 0x2 PAA, 0x4 SSPI_NTLM (0x8 bearer in FreeRDP). */
  readonly extendedAuth: number;
}

export interface RdgHandshakeResponse extends RdgEventBase {
  readonly type: 'rdg.handshake_response';
  /** HRESULT. */
  readonly errorCode: number;
  readonly versionMajor: number;
  readonly versionMinor: number;
  readonly serverVersion: number;
  readonly extendedAuth: number;
}

export interface RdgExtendedAuth extends RdgEventBase {
  readonly type: 'rdg.extended_auth';
  readonly errorCode: number;
  readonly blobLength: number;
}

export interface RdgTunnelCreate extends RdgEventBase {
  readonly type: 'rdg.tunnel_create';
  readonly capabilityFlags: number;
  readonly fieldsPresent: number;
  readonly hasPaaCookie: boolean;
  /** Byte length of the PAA cookie (its content is a credential and is not kept). */
  readonly paaCookieLength?: number;
}

export interface RdgTunnelResponse extends RdgEventBase {
  readonly type: 'rdg.tunnel_response';
  readonly serverVersion: number;
  /** HRESULT. */
  readonly statusCode: number;
  readonly fieldsPresent: number;
  readonly tunnelId?: number;
  readonly capabilityFlags?: number;
  readonly hasSohRequest: boolean;
  readonly hasConsentMessage: boolean;
}

export interface RdgTunnelAuth extends RdgEventBase {
  readonly type: 'rdg.tunnel_auth';
  readonly fieldsPresent: number;
  /** Client machine name — sensitive. */
  readonly clientName: string;
}

export interface RdgTunnelAuthResponse extends RdgEventBase {
  readonly type: 'rdg.tunnel_auth_response';
  readonly errorCode: number;
  readonly fieldsPresent: number;
  readonly redirFlags?: number;
  /** Minutes. */
  readonly idleTimeout?: number;
  readonly hasSohResponse: boolean;
}

export interface RdgChannelCreate extends RdgEventBase {
  readonly type: 'rdg.channel_create';
  readonly numResources: number;
  readonly numAltResources: number;
  readonly port: number;
  readonly protocol: number;
  /** Target RDP host names — sensitive. */
  readonly targetServers: readonly string[];
  readonly altTargetServers: readonly string[];
}

export interface RdgChannelResponse extends RdgEventBase {
  readonly type: 'rdg.channel_response';
  readonly errorCode: number;
  readonly fieldsPresent: number;
  readonly channelId?: number;
  /** UDP side-channel port offered by the gateway (commonly 3391). */
  readonly udpPort?: number;
  readonly authnCookieLength?: number;
}

/** First DATA packet of a direction (later ones are only counted; see rdg.data_summary). */
export interface RdgData extends RdgEventBase {
  readonly type: 'rdg.data';
  readonly length: number;
}

/** Emitted at end(dir) when DATA packets were seen in that direction. */
export interface RdgDataSummary extends RdgEventBase {
  readonly type: 'rdg.data_summary';
  readonly packets: number;
  readonly bytes: number;
}

export interface RdgServiceMessage extends RdgEventBase {
  readonly type: 'rdg.service_message';
  readonly message: string;
}

export interface RdgReauth extends RdgEventBase {
  readonly type: 'rdg.reauth';
  /** ReauthTunnelContext, 8 bytes as hex. */
  readonly reauthTunnelContext: string;
}

export interface RdgKeepalive extends RdgEventBase {
  readonly type: 'rdg.keepalive';
}

export interface RdgCloseChannel extends RdgEventBase {
  readonly type: 'rdg.close_channel' | 'rdg.close_channel_response';
  /** HRESULT / Win32 code (e.g. 0x59F6 session timeout). */
  readonly statusCode: number;
}

export interface RdgUnknownPacket extends RdgEventBase {
  readonly type: 'rdg.unknown_packet';
  readonly packetType: number;
  readonly packetLength: number;
}

/** Events decoded from MS-TSGU packets. */
export type TsguEvent =
  | RdgHandshakeRequest
  | RdgHandshakeResponse
  | RdgExtendedAuth
  | RdgTunnelCreate
  | RdgTunnelResponse
  | RdgTunnelAuth
  | RdgTunnelAuthResponse
  | RdgChannelCreate
  | RdgChannelResponse
  | RdgServiceMessage
  | RdgReauth
  | RdgKeepalive
  | RdgCloseChannel
  | RdgUnknownPacket;

export type RdgEvent =
  | RdgHttpRequest
  | RdgHttpResponse
  | RdgRpcOverHttp
  | RdgKdcProxy
  | RdgHttp2
  | RdgWebsocketUpgrade
  | RdgWebsocketClose
  | RdgWebsocketPing
  | RdgData
  | RdgDataSummary
  | TsguEvent;
