/**
 * What a connection's events established, kept as plain data for the report: RDP
 * negotiation and connect data, TLS hellos/certificate/alerts, CredSSP, NTLM, Kerberos,
 * RD Gateway HTTP and MS-TSGU. Raw values (user names, cookies) are redacted at report time.
 */
export interface RdpFacts {
  cookie: string | null;
  routingToken: string | null;
  requestedProtocols: number | null;
  negFlags: number | null;
  correlationId: string | null;
  negotiation: string | null;
  selectedProtocol: number | null;
  responseFlags: number | null;
  negFailure: number | null;
  negFrame: number | null;
  clientBuild: number | null;
  clientName: string | null;
  clientVersion: number | null;
  desktop: { width: number; height: number } | null;
  keyboardLayout: number | null;
  earlyCapabilityFlags: number | null;
  channels: string[];
  serverVersion: number | null;
  encryptionMethod: number | null;
  encryptionLevel: number | null;
  serverCertType: string | null;
  errorInfo: { value: number; frame: number; decrypted: boolean }[];
  dpu: { reason: number; frame: number; dir: number; decrypted: boolean } | null;
  earlyUserAuth: { result: number; frame: number } | null;
  licenseErrors: { errorCode: number; stateTransition: number; frame: number }[];
  logonErrors: { type: number; data: number; frame: number }[];
  userName: string | null;
  domain: string | null;
  x224Disconnect: { reason: number; frame: number } | null;
}

export function newRdpFacts(): RdpFacts {
  return {
    cookie: null, routingToken: null, requestedProtocols: null, negFlags: null, correlationId: null, negotiation: null,
    selectedProtocol: null, responseFlags: null, negFailure: null, negFrame: null, clientBuild: null, clientName: null,
    clientVersion: null, desktop: null, keyboardLayout: null, earlyCapabilityFlags: null, channels: [], serverVersion: null,
    encryptionMethod: null, encryptionLevel: null, serverCertType: null, errorInfo: [], dpu: null, earlyUserAuth: null,
    licenseErrors: [], logonErrors: [], userName: null, domain: null, x224Disconnect: null,
  };
}

export interface CertFacts {
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  keyType: string;
  keyBits: number | null;
  selfSigned: boolean;
}

export interface TlsFacts {
  clientHelloFrame: number | null;
  clientHelloTs: number | null;
  clientVersions: number[];
  legacyVersion: number | null;
  offeredSuites: number[];
  sni: string | null;
  alpn: string[];
  clientRandom: string | null;
  serverHelloFrame: number | null;
  serverVersion: number | null;
  suite: number | null;
  helloRetryRequest: boolean;
  certificate: CertFacts | null;
  certificateChainLength: number;
  certificateRequested: boolean;
  alerts: { from: 'client' | 'server'; level: number; description: number; frame: number; encrypted: boolean; decrypted: boolean }[];
  encryptedAlerts: { from: 'client' | 'server'; frame: number; length: number }[];
  handshakeComplete: { frame: number; ts: number; inferred: boolean } | null;
  /** Application records after the handshake: count/bytes per direction and the first ones for inference. */
  records: { client: number; server: number; clientBytes: number; serverBytes: number };
  firstRecords: { dir: number; length: number; frame: number; ts: number; contentType: number }[];
  decryption: { attempted: boolean; ok: boolean; reason: string; origin?: string } | null;
  sslv2: boolean;
}

export function newTlsFacts(): TlsFacts {
  return {
    clientHelloFrame: null, clientHelloTs: null, clientVersions: [], legacyVersion: null, offeredSuites: [], sni: null, alpn: [],
    clientRandom: null, serverHelloFrame: null, serverVersion: null, suite: null, helloRetryRequest: false, certificate: null,
    certificateChainLength: 0, certificateRequested: false, alerts: [], encryptedAlerts: [], handshakeComplete: null,
    records: { client: 0, server: 0, clientBytes: 0, serverBytes: 0 }, firstRecords: [], decryption: null, sslv2: false,
  };
}

export interface CredsspFacts {
  version: number | null;
  requests: number;
  errorCode: number | null;
  errorFrame: number | null;
  errorFrom: 'client' | 'server' | null;
  tokenKinds: string[];
  clientNonce: boolean;
  lastFrame: number | null;
}

export function newCredsspFacts(): CredsspFacts {
  return { version: null, requests: 0, errorCode: null, errorFrame: null, errorFrom: null, tokenKinds: [], clientNonce: false, lastFrame: null };
}

export interface NtlmFacts {
  messages: { type: string; frame: number }[];
  userName: string | null;
  domainName: string | null;
  workstation: string | null;
  ntlmVersion: number | null;
  spn: string | null;
}

export function newNtlmFacts(): NtlmFacts {
  return { messages: [], userName: null, domainName: null, workstation: null, ntlmVersion: null, spn: null };
}

export interface KerberosFacts {
  messages: { type: string; frame: number; carrier: string; cname?: string; sname?: string; realm?: string }[];
  errors: { code: number; frame: number; ts: number; realm: string; sname: string; cname?: string; eText?: string; skewSeconds?: number; skewSuspect?: string; stime: number; carrier: string }[];
}

export function newKerberosFacts(): KerberosFacts {
  return { messages: [], errors: [] };
}

export interface RdgFacts {
  transport: string | null;
  http: { method?: string; path?: string; status?: number; reason?: string; frame: number; wwwAuthenticate?: string[]; authScheme?: string }[];
  handshake: { errorCode: number; frame: number } | null;
  tunnel: { statusCode: number; frame: number; tunnelId?: number } | null;
  tunnelAuth: { errorCode: number; frame: number } | null;
  channel: { statusCode: number; frame: number; channelId?: number } | null;
  targetServers: string[];
  closeChannel: { statusCode: number; frame: number } | null;
  websocketClose: { code?: number; frame: number } | null;
  dataBytes: { client: number; server: number };
}

export function newRdgFacts(): RdgFacts {
  return { transport: null, http: [], handshake: null, tunnel: null, tunnelAuth: null, channel: null, targetServers: [], closeChannel: null, websocketClose: null, dataBytes: { client: 0, server: 0 } };
}
