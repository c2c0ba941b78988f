/**
 * Events reported by the RDP decoders (TPKT / X.224 / MCS / GCC / RDP core PDUs).
 *
 * Numeric codes stay numbers (naming happens in src/codes/). Sensitive values (cookie,
 * routing token, client name, user name, domain, working directory, client address,
 * digital product id) are kept raw in clearly named fields: redaction happens at report time.
 * Passwords are never kept: only their length.
 */
import type { Dir, ProtoEventBase } from '../stream.js';
import type { ClientInfo } from './security.js';

interface RdpEventBase extends ProtoEventBase {
  readonly dir: Dir;
}

// ---------------------------------------------------------------- data blocks (GCC)

/** CS_CORE (0xC001). Optional fields are present only when the block length covers them. */
export interface ClientCoreData {
  version: number;
  desktopWidth: number;
  desktopHeight: number;
  colorDepth: number;
  sasSequence: number;
  keyboardLayout: number;
  clientBuild: number;
  /** UTF-16LE host name of the client — sensitive. */
  clientName: string;
  keyboardType: number;
  keyboardSubType: number;
  keyboardFunctionKey: number;
  imeFileName: string;
  postBeta2ColorDepth?: number;
  clientProductId?: number;
  serialNumber?: number;
  highColorDepth?: number;
  supportedColorDepths?: number;
  earlyCapabilityFlags?: number;
  /** Sensitive identifier. */
  clientDigProductId?: string;
  connectionType?: number;
  serverSelectedProtocol?: number;
  desktopPhysicalWidth?: number;
  desktopPhysicalHeight?: number;
  desktopOrientation?: number;
  desktopScaleFactor?: number;
  deviceScaleFactor?: number;
}

/** CS_SECURITY (0xC002). */
export interface ClientSecurityData {
  encryptionMethods: number;
  extEncryptionMethods: number;
}

/** One CHANNEL_DEF of CS_NET (0xC003). */
export interface ClientChannelDef {
  name: string;
  options: number;
}

/** CS_CLUSTER (0xC004). */
export interface ClientClusterData {
  flags: number;
  redirectedSessionId: number;
}

/** SC_CORE (0x0C01). */
export interface ServerCoreData {
  version: number;
  clientRequestedProtocols?: number;
  earlyCapabilityFlags?: number;
}

/** SC_SECURITY (0x0C02). */
export interface ServerSecurityData {
  encryptionMethod: number;
  encryptionLevel: number;
  serverRandomLen?: number;
  serverCertLen?: number;
  /** dwVersion & 0x7FFFFFFF: 1 = proprietary (CERT_CHAIN_VERSION_1), 2 = X.509 (CERT_CHAIN_VERSION_2). */
  serverCertVersion?: number;
  serverCertType?: 'proprietary' | 'x509' | 'unknown';
  /** Top bit of dwVersion clear = permanently issued (FreeRDP CERT_TEMPORARILY_ISSUED = 0x80000000, as Zeek reads it). */
  serverCertPermanent?: boolean;
  /** X.509 chains: numCertBlobs. */
  serverCertCount?: number;
}

/** SC_NET (0x0C03). */
export interface ServerNetworkData {
  mcsChannelId: number;
  channelIds: number[];
}

// ---------------------------------------------------------------- X.224

export interface RdpX224ConnectionRequest extends RdpEventBase {
  readonly type: 'rdp.x224_connection_request';
  /** `Cookie: mstshash=<cookie>` value — sensitive (a user name, often truncated). */
  cookie?: string;
  /** Whole routing token line without CR LF (`Cookie: msts=…`, `tsv://…`, `mth://…`) — sensitive. */
  routingToken?: string;
  /** RDP_NEG_REQ present. */
  negotiationRequest: boolean;
  requestedProtocols?: number;
  negFlags?: number;
  /** RDP_NEG_CORRELATION_INFO correlationId as 32 lower-case hex digits (wire byte order). */
  correlationId?: string;
}

export interface RdpX224ConnectionConfirm extends RdpEventBase {
  readonly type: 'rdp.x224_connection_confirm';
  /** 'none' = bare CC (LI 6): the server speaks only Standard RDP Security. */
  negotiation: 'response' | 'failure' | 'none' | 'unknown';
  selectedProtocol?: number;
  responseFlags?: number;
  failureCode?: number;
  /** Type byte of an unrecognised negotiation structure. */
  negType?: number;
}

export interface RdpX224DisconnectRequest extends RdpEventBase {
  readonly type: 'rdp.x224_disconnect_request';
  reason: number;
}

export interface RdpX224Error extends RdpEventBase {
  readonly type: 'rdp.x224_error';
}

// ---------------------------------------------------------------- MCS connect (GCC)

export interface RdpMcsConnectInitial extends RdpEventBase {
  readonly type: 'rdp.mcs_connect_initial';
  /** The GCC `Duca` user data was found and walked. */
  userDataFound: boolean;
  /** Types of every client data block in order (0xC001…). */
  blockTypes: number[];
  clientCore?: ClientCoreData;
  security?: ClientSecurityData;
  channels: ClientChannelDef[];
  cluster?: ClientClusterData;
  monitorCount?: number;
  messageChannelFlags?: number;
  multitransportFlags?: number;
}

export interface RdpMcsConnectResponse extends RdpEventBase {
  readonly type: 'rdp.mcs_connect_response';
  /** T.125 Result (0 = rt-successful). */
  result: number;
  calledConnectId?: number;
  userDataFound: boolean;
  blockTypes: number[];
  serverCore?: ServerCoreData;
  encryptionMethod?: number;
  encryptionLevel?: number;
  serverRandomLen?: number;
  serverCertLen?: number;
  serverCertType?: 'proprietary' | 'x509' | 'unknown';
  serverCertVersion?: number;
  serverCertPermanent?: boolean;
  serverCertCount?: number;
  /** SC_NET MCSChannelId (the I/O channel, normally 1003). */
  ioChannelId?: number;
  channelIds: number[];
  messageChannelId?: number;
  multitransportFlags?: number;
}

// ---------------------------------------------------------------- MCS domain PDUs

export interface RdpMcsErectDomain extends RdpEventBase {
  readonly type: 'rdp.mcs_erect_domain';
  subHeight: number;
  subInterval: number;
}
export interface RdpMcsAttachUserRequest extends RdpEventBase {
  readonly type: 'rdp.mcs_attach_user_request';
}
export interface RdpMcsAttachUserConfirm extends RdpEventBase {
  readonly type: 'rdp.mcs_attach_user_confirm';
  result: number;
  /** initiator + 1001, when present. */
  userId?: number;
}
export interface RdpMcsChannelJoinRequest extends RdpEventBase {
  readonly type: 'rdp.mcs_channel_join_request';
  userId: number;
  channelId: number;
}
export interface RdpMcsChannelJoinConfirm extends RdpEventBase {
  readonly type: 'rdp.mcs_channel_join_confirm';
  result: number;
  userId: number;
  requestedChannelId: number;
  /** Present only when the confirm carries it (0x3E). */
  channelId?: number;
}
/** Disconnect Provider Ultimatum. reason: 0 domain-disconnected, 1 provider-initiated, 2 token-purged, 3 user-requested, 4 channel-purged. */
export interface RdpMcsDpu extends RdpEventBase {
  readonly type: 'rdp.mcs_dpu';
  reason: number;
}
export interface RdpMcsRejectUltimatum extends RdpEventBase {
  readonly type: 'rdp.mcs_reject_ultimatum';
}
/** Any other DomainMCSPDU choice (detach user, tokens…). */
export interface RdpMcsOther extends RdpEventBase {
  readonly type: 'rdp.mcs_other';
  choice: number;
}

// ---------------------------------------------------------------- security layer

/** Security Exchange PDU (Standard RDP Security): only sizes. */
export interface RdpSecurityExchange extends RdpEventBase {
  readonly type: 'rdp.security_exchange';
  /** Declared length of encryptedClientRandom. */
  length: number;
}

/** A PDU protected by Standard RDP Security (SEC_ENCRYPT): only its size and security flags. */
export interface RdpEncryptedPdu extends RdpEventBase {
  readonly type: 'rdp.encrypted_pdu';
  /** Bytes of MCS user data (security header included). */
  length: number;
  secFlags: number;
  channelId: number;
}

/** Client Info PDU (TS_INFO_PACKET), readable only when not encrypted. Domain, userName, workingDir, clientAddress and clientDir are sensitive; the password is never kept (cbPassword only). */
export interface RdpClientInfo extends RdpEventBase, ClientInfo {
  readonly type: 'rdp.client_info';
  secFlags: number;
}

/** Licensing PDU (preamble; ERROR_ALERT body). */
export interface RdpLicense extends RdpEventBase {
  readonly type: 'rdp.license';
  secFlags: number;
  msgType: number;
  /** Preamble flags: low nibble = version; 0x80 EXTENDED_ERROR_MSG_SUPPORTED. */
  flags: number;
  msgSize: number;
  errorCode?: number;
  stateTransition?: number;
}

// ---------------------------------------------------------------- share layer

export interface RdpDemandActive extends RdpEventBase {
  readonly type: 'rdp.demand_active';
  shareId: number;
  pduSource: number;
  sourceDescriptor: string;
  numberCapabilities: number;
  capabilitySetTypes: number[];
  sessionId?: number;
}
export interface RdpConfirmActive extends RdpEventBase {
  readonly type: 'rdp.confirm_active';
  shareId: number;
  pduSource: number;
  originatorId: number;
  sourceDescriptor: string;
  numberCapabilities: number;
  capabilitySetTypes: number[];
}
export interface RdpDeactivateAll extends RdpEventBase {
  readonly type: 'rdp.deactivate_all';
  shareId: number;
  pduSource: number;
}
export interface RdpServerRedirection extends RdpEventBase {
  readonly type: 'rdp.server_redirection';
}
export interface RdpSetErrorInfo extends RdpEventBase {
  readonly type: 'rdp.set_error_info';
  errorInfo: number;
}
/** Save Session Info. infoType 0 LOGON, 1 LOGON_LONG, 2 LOGON_PLAINNOTIFY, 3 LOGON_EXTENDED_INFO. */
export interface RdpSaveSessionInfo extends RdpEventBase {
  readonly type: 'rdp.save_session_info';
  infoType: number;
  sessionId?: number;
  /** Sensitive (infoType 0/1). */
  domain?: string;
  /** Sensitive (infoType 0/1). */
  userName?: string;
  fieldsPresent?: number;
  logonErrorType?: number;
  logonErrorData?: number;
}
export interface RdpStatusInfo extends RdpEventBase {
  readonly type: 'rdp.status_info';
  statusCode: number;
}
export interface RdpFinalization extends RdpEventBase {
  readonly type: 'rdp.finalization';
  pdu: 'synchronize' | 'control' | 'font_list' | 'font_map';
  /** Control: 1 request control, 2 granted control, 3 detach, 4 cooperate. */
  action?: number;
  targetUser?: number;
}
export interface RdpShutdown extends RdpEventBase {
  readonly type: 'rdp.shutdown';
  pdu: 'request' | 'denied';
}

// ---------------------------------------------------------------- other framing

export interface RdpFastPath extends RdpEventBase {
  readonly type: 'rdp.fastpath';
  length: number;
  /** FASTPATH_*_ENCRYPTED flag of the header byte (Standard RDP Security). */
  encrypted: boolean;
}

/** HYBRID_EX Early User Authorization Result: 0 AUTHZ_SUCCESS, 5 AUTHZ_ACCESS_DENIED. */
export interface RdpEarlyUserAuth extends RdpEventBase {
  readonly type: 'rdp.early_user_auth';
  result: number;
}

export type RdpEvent =
  | RdpX224ConnectionRequest
  | RdpX224ConnectionConfirm
  | RdpX224DisconnectRequest
  | RdpX224Error
  | RdpMcsConnectInitial
  | RdpMcsConnectResponse
  | RdpMcsErectDomain
  | RdpMcsAttachUserRequest
  | RdpMcsAttachUserConfirm
  | RdpMcsChannelJoinRequest
  | RdpMcsChannelJoinConfirm
  | RdpMcsDpu
  | RdpMcsRejectUltimatum
  | RdpMcsOther
  | RdpSecurityExchange
  | RdpEncryptedPdu
  | RdpClientInfo
  | RdpLicense
  | RdpDemandActive
  | RdpConfirmActive
  | RdpDeactivateAll
  | RdpServerRedirection
  | RdpSetErrorInfo
  | RdpSaveSessionInfo
  | RdpStatusInfo
  | RdpFinalization
  | RdpShutdown
  | RdpFastPath
  | RdpEarlyUserAuth;

export type RdpEventType = RdpEvent['type'];
