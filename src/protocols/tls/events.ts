/**
 * Events reported by the TLS stream decoder. Numeric codes stay numbers (names come from
 * src/codes); randoms are lower-case hex strings. `dir` is 0 client→server, 1 server→client.
 */
import type { Dir, ProtoEventBase } from '../stream.js';
import type { CertificateInfo } from './certificate.js';

interface TlsEventBase extends ProtoEventBase {
  readonly dir: Dir;
}

export interface TlsClientHelloEvent extends TlsEventBase {
  readonly type: 'tls.client_hello';
  readonly legacyVersion: number;
  readonly supportedVersions: number[];
  readonly cipherSuites: number[];
  readonly compressionMethods: number[];
  readonly sni?: string;
  readonly alpn: string[];
  readonly signatureAlgorithms: number[];
  readonly groups: number[];
  readonly keyShareGroups: number[];
  /** 64 hex characters. */
  readonly clientRandom: string;
  readonly sessionIdLength: number;
  /** Extension type numbers in wire order. */
  readonly extensions: number[];
  readonly encryptThenMac: boolean;
  readonly extendedMasterSecret: boolean;
  /** renegotiation_info extension or the 0x00FF SCSV. */
  readonly renegotiationInfo: boolean;
  /** Second ClientHello after a HelloRetryRequest. */
  readonly afterHelloRetryRequest: boolean;
}

export interface TlsServerHelloEvent extends TlsEventBase {
  readonly type: 'tls.server_hello';
  readonly legacyVersion: number;
  /** From supported_versions when present, else legacyVersion. */
  readonly selectedVersion: number;
  readonly cipherSuite: number;
  readonly compressionMethod: number;
  readonly serverRandom: string;
  readonly sessionIdLength: number;
  readonly helloRetryRequest: boolean;
  readonly extensions: number[];
  readonly alpn?: string;
  readonly keyShareGroup?: number;
  readonly encryptThenMac: boolean;
  readonly extendedMasterSecret: boolean;
  readonly renegotiationInfo: boolean;
  /** RFC 8446 downgrade sentinel in the random. */
  readonly downgradeSentinel?: 'tls12' | 'tls11';
}

export interface TlsCertificateItem extends CertificateInfo {
  /** TLS 1.3 CertificateEntry extension types. */
  readonly extensions?: number[];
}

/**
 * A Certificate message. From the server (dir 1) it is the server's chain; from the client (dir 0)
 * it is a client certificate whose subject and SAN may name a user: treat them as sensitive
 * (redacted at report time, like user names).
 */
export interface TlsCertificateEvent extends TlsEventBase {
  readonly type: 'tls.certificate';
  /** Leaf first. */
  readonly certificates: TlsCertificateItem[];
  /** True for the TLS 1.3 layout (only visible when decrypted). */
  readonly tls13: boolean;
}

export interface TlsCertificateRequestEvent extends TlsEventBase {
  readonly type: 'tls.certificate_request';
  readonly certificateTypes: number[];
  readonly signatureAlgorithms: number[];
  readonly authorityCount: number;
}

export interface TlsServerHelloDoneEvent extends TlsEventBase {
  readonly type: 'tls.server_hello_done';
}

/** Any other handshake message seen in clear or decrypted (ServerKeyExchange, ClientKeyExchange, Finished, …). */
export interface TlsHandshakeMessageEvent extends TlsEventBase {
  readonly type: 'tls.handshake_message';
  readonly msgType: number;
  readonly length: number;
}

/** TLS ≤ 1.2: a handshake record after ChangeCipherSpec that was not decrypted (the Finished). */
export interface TlsEncryptedHandshakeEvent extends TlsEventBase {
  readonly type: 'tls.encrypted_handshake';
  readonly length: number;
}

export interface TlsChangeCipherSpecEvent extends TlsEventBase {
  readonly type: 'tls.change_cipher_spec';
  /** TLS 1.3 middlebox-compatibility CCS (RFC 8446 §D.4): no effect on the record layer. */
  readonly middleboxCompat: boolean;
}

export interface TlsAlertEvent extends TlsEventBase {
  readonly type: 'tls.alert';
  /** 1 warning, 2 fatal (ignored by TLS 1.3 peers). */
  readonly level: number;
  readonly description: number;
  /** The alert travelled encrypted (then `decrypted` is true). */
  readonly encrypted: boolean;
}

/** An alert record that could not be read (after ChangeCipherSpec, no keys). */
export interface TlsEncryptedAlertEvent extends TlsEventBase {
  readonly type: 'tls.encrypted_alert';
  readonly length: number;
}

export interface TlsHandshakeCompleteEvent extends TlsEventBase {
  readonly type: 'tls.handshake_complete';
  /** Negotiated version (0 when no ServerHello was seen). */
  readonly version: number;
  /** TLS 1.3 without keys: deduced from the first application-data records. */
  readonly inferred: boolean;
}

/**
 * One record of application data (outer type 23) or heartbeat, and every record of any type
 * once the handshake is complete. `length` is the record fragment length (ciphertext).
 */
export interface TlsAppRecordEvent extends TlsEventBase {
  readonly type: 'tls.app_record';
  readonly contentType: number;
  readonly length: number;
}

export interface TlsDecryptStatusEvent extends TlsEventBase {
  readonly type: 'tls.decrypt_status';
  readonly ok: boolean;
  readonly reason: string;
  /** Where the secret came from (never the secret), when ok. */
  readonly origin?: string;
}

export interface TlsSslv2ClientHelloEvent extends TlsEventBase {
  readonly type: 'tls.sslv2_client_hello';
  /** 0x0002 SSLv2, or the TLS version a compatible client offers (0x0300, 0x0301…). */
  readonly version: number;
  /** 3-byte cipher kinds. */
  readonly cipherSpecs: number[];
  readonly sessionIdLength: number;
  /** The challenge, right-justified in 32 bytes (hex). */
  readonly clientRandom: string;
}

export interface TlsSslv2ServerHelloEvent extends TlsEventBase {
  readonly type: 'tls.sslv2_server_hello';
  readonly version: number;
  readonly cipherSpecs: number[];
  readonly certificateLength: number;
  readonly sessionIdHit: boolean;
}

export type TlsEvent =
  | TlsClientHelloEvent
  | TlsServerHelloEvent
  | TlsCertificateEvent
  | TlsCertificateRequestEvent
  | TlsServerHelloDoneEvent
  | TlsHandshakeMessageEvent
  | TlsEncryptedHandshakeEvent
  | TlsChangeCipherSpecEvent
  | TlsAlertEvent
  | TlsEncryptedAlertEvent
  | TlsHandshakeCompleteEvent
  | TlsAppRecordEvent
  | TlsDecryptStatusEvent
  | TlsSslv2ClientHelloEvent
  | TlsSslv2ServerHelloEvent;

export type TlsEventType = TlsEvent['type'];
