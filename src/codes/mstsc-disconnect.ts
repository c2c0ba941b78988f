/**
 * mstsc / MsTscAx disconnect reason codes (the "Error code: 0x904" in the client dialog).
 * ExtendedDisconnectReasonCode (Remote Desktop ActiveX control) (discReason table, SSL_ERR family, rdpgw list) and docs/findings#5.
 */
import { defineTable, type CodeEntry, type CodeInfo } from './table.js';

const DOC = 'ExtendedDisconnectReasonCode (Remote Desktop ActiveX control); Ms-Ondisc IMsTscAxEvents::OnDisconnected';
const TLB =
  'ExtendedDisconnectReasonCode (Remote Desktop ActiveX control); MsTscAx type-library reconstruction, agrees with rdpgw errors.go (partially verified, docs/findings)';
const RDPGW = 'ExtendedDisconnectReasonCode (Remote Desktop ActiveX control); rdpgw errors.go commented list only (provenance unknown, docs/findings)';

export const MSTSC_DISCONNECT_REASONS = [
  // Documented discReason values Ms-Ondisc.
  { code: 0x0, name: 'disconnectReasonNoInfo', meaning: 'No information about why the connection ended.', verified: true, source: DOC, aliases: ['ERROR_NO'] },
  { code: 0x1, name: 'disconnectReasonLocalNotError', meaning: 'Disconnected locally by the user or application; not an error.', verified: true, source: DOC, aliases: ['ERROR_CLIENT_DISCONNECT'] },
  { code: 0x2, name: 'disconnectReasonRemoteByUser', meaning: 'Disconnected remotely by the user (e.g. logoff or disconnect inside the session); not an error.', verified: true, source: DOC, aliases: ['ERROR_CLIENT_LOGOFF'] },
  { code: 0x3, name: 'disconnectReasonByServer', meaning: 'The server ended the connection. Not an error code by itself: the extended reason tells why.', verified: true, source: DOC, aliases: ['ERROR_NETWORK_DISCONNECT'] },
  { code: 0x104, name: 'disconnectReasonDNSLookupFailed', meaning: 'The server name could not be resolved (DNS lookup failed).', verified: true, source: DOC, aliases: ['ERROR_NOT_FOUND'] },
  { code: 0x106, name: 'disconnectReasonOutOfMemory', meaning: 'The client ran out of memory.', verified: true, source: DOC, aliases: ['ERROR_NO_MEM'] },
  { code: 0x108, name: 'disconnectReasonConnectionTimedOut', meaning: 'The connection attempt timed out.', verified: true, source: DOC, aliases: ['ERROR_CONNECT_TIMEOUT'] },
  { code: 0x204, name: 'disconnectReasonSocketConnectFailed', meaning: 'The TCP connect to the server failed (no answer, refused, or unreachable).', verified: true, source: DOC, aliases: ['ERROR_UNAVAILABLE'] },
  { code: 0x206, name: 'disconnectReasonOutOfMemory2', meaning: 'The client ran out of memory.', verified: true, source: DOC },
  { code: 0x208, name: 'disconnectReasonHostNotFound', meaning: 'The server host was not found.', verified: true, source: DOC },
  { code: 0x304, name: 'disconnectReasonWinsockSendFailed', meaning: 'Sending data on the socket failed.', verified: true, source: DOC, aliases: ['ERROR_NETWORK'] },
  { code: 0x306, name: 'disconnectReasonOutOfMemory3', meaning: 'The client ran out of memory.', verified: true, source: DOC },
  { code: 0x308, name: 'disconnectReasonInvalidIPAddr', meaning: 'The IP address given is not valid.', verified: true, source: DOC },
  { code: 0x404, name: 'disconnectReasonSocketRecvFailed', meaning: 'Receiving data on the socket failed (for example the connection was reset).', verified: true, source: DOC },
  { code: 0x406, name: 'disconnectReasonInvalidSecurityData', meaning: 'The security data received was not valid.', verified: true, source: DOC, aliases: ['ERROR_SECURITY'] },
  { code: 0x408, name: 'disconnectReasonInternalError', meaning: 'Internal client error.', verified: true, source: DOC, aliases: ['ERROR_INVALID_NAME'] },
  { code: 0x506, name: 'disconnectReasonInvalidEncryption', meaning: 'The encryption method is not valid.', verified: true, source: DOC },
  { code: 0x508, name: 'disconnectReasonDNSLookupFailed2', meaning: 'The server name could not be resolved (DNS lookup failed).', verified: true, source: DOC },
  { code: 0x604, name: 'disconnectReasonGetHostByNameFailed', meaning: 'Name resolution (gethostbyname) failed.', verified: true, source: DOC },
  { code: 0x606, name: 'disconnectReasonInvalidServerSecurityInfo', meaning: 'The server security data was not valid.', verified: true, source: DOC },
  { code: 0x608, name: 'disconnectReasonTimerError', meaning: 'Internal timer error.', verified: true, source: DOC },
  { code: 0x704, name: 'disconnectReasonTimeoutOccurred', meaning: 'A time-out occurred.', verified: true, source: DOC, aliases: ['ERROR_GENERIC'] },
  { code: 0x706, name: 'disconnectReasonServerCertificateUnpackErr', meaning: 'The server certificate could not be unpacked.', verified: true, source: DOC },
  { code: 0x804, name: 'disconnectReasonInvalidIP', meaning: 'Bad IP address.', verified: true, source: DOC },
  { code: 0x808, name: 'disconnectReasonLicensingFailed', meaning: 'License negotiation failed.', verified: true, source: DOC, aliases: ['ERROR_LICENSING_PROTOCOL'] },
  { code: 0x904, name: 'disconnectReasonAtClientWinsockFDCLOSE', meaning: 'Socket closed: the client saw its TCP connection close (FD_CLOSE). Who closed it and why is not in this code; look at the extended reason and the capture.', verified: true, source: DOC, aliases: ['ERROR_NETWORK_GENERIC'] },
  { code: 0x906, name: 'disconnectReasonInternalSecurityError', meaning: 'Internal security error.', verified: true, source: DOC },
  { code: 0x908, name: 'disconnectReasonLicensingTimeout', meaning: 'Licensing timed out.', verified: true, source: DOC, aliases: ['ERROR_LICENSING_TIMEOUT'] },
  { code: 0xa06, name: 'disconnectReasonInternalSecurityError2', meaning: 'Internal security error.', verified: true, source: DOC },
  { code: 0xb06, name: 'disconnectReasonEncryptionError', meaning: 'Encryption error.', verified: true, source: DOC, aliases: ['ERROR_ENCRYPTION'] },
  { code: 0xc06, name: 'disconnectReasonDecryptionError', meaning: 'Decryption error.', verified: true, source: DOC },
  { code: 0xc08, name: 'disconnectReasonClientDecompressionError', meaning: 'The client could not decompress data from the server.', verified: true, source: DOC, aliases: ['ERROR_DECOMPRESSION'] },

  // SSL_ERR family (NLA / CredSSP authentication results), partially verified.
  { code: 0x807, name: 'SSL_ERR_LOGON_FAILURE', meaning: 'Network Level Authentication failed: user name or password rejected.', verified: false, source: TLB },
  { code: 0xa07, name: 'SSL_ERR_NO_SUCH_USER', meaning: 'Authentication failed: the user account does not exist.', verified: false, source: TLB, aliases: ['ERROR_SECURITY_USER'] },
  { code: 0xb07, name: 'SSL_ERR_ACCOUNT_DISABLED', meaning: 'Authentication failed: the user account is disabled.', verified: false, source: TLB, aliases: ['ERROR_SECURITY_USER_DISABLED'] },
  { code: 0xc07, name: 'SSL_ERR_ACCOUNT_RESTRICTION', meaning: 'Authentication failed: an account restriction applies (e.g. blank password, logon hours, workstation).', verified: false, source: TLB, aliases: ['ERROR_SECURITY_USER_RESTRICTION'] },
  { code: 0xd07, name: 'SSL_ERR_ACCOUNT_LOCKED_OUT', meaning: 'Authentication failed: the user account is locked out.', verified: false, source: TLB, aliases: ['ERROR_SECURITY_USER_LOCKED_OUT'] },
  { code: 0xe07, name: 'SSL_ERR_ACCOUNT_EXPIRED', meaning: 'Authentication failed: the user account has expired.', verified: false, source: TLB, aliases: ['ERROR_SECURITY_USER_EXPIRED'] },
  { code: 0xf07, name: 'SSL_ERR_PASSWORD_EXPIRED', meaning: 'Authentication failed: the password has expired.', verified: false, source: TLB, aliases: ['ERROR_SECURITY_USER_PASSWORD_EXPIRED'] },
  { code: 0x1207, name: 'SSL_ERR_PASSWORD_MUST_CHANGE', meaning: 'Authentication failed: the password must be changed before logging on.', verified: false, source: TLB, aliases: ['ERROR_SECURITY_USER_CHANGE_PASSWORD'] },
  { code: 0x1307, name: 'ERROR_SECURITY_USER_LOGON_TYPE', meaning: 'Authentication refused: the user lacks the logon right needed for Remote Desktop (name-derived meaning).', verified: false, source: RDPGW },
  { code: 0x1607, name: 'SSL_ERR_DELEGATION_POLICY', meaning: 'Credential delegation policy does not allow sending credentials to this server.', verified: false, source: TLB },
  { code: 0x1707, name: 'SSL_ERR_POLICY_NTLM_ONLY', meaning: 'Policy forbids delegating credentials when only NTLM authentication is available.', verified: false, source: TLB },
  { code: 0x1807, name: 'SSL_ERR_NO_AUTHENTICATING_AUTHORITY', meaning: 'No authority (domain controller / KDC) could be contacted to authenticate.', verified: false, source: TLB },
  { code: 0x1b07, name: 'SSL_ERR_CERT_EXPIRED', meaning: 'The server certificate has expired or is not valid.', verified: false, source: TLB, aliases: ['ERROR_SECURITY_SERVER_INVALID_CERTIFICATE'] },
  { code: 0x1c07, name: 'SSL_ERR_SMARTCARD_WRONG_PIN', meaning: 'The smart card PIN was wrong.', verified: false, source: TLB },
  { code: 0x1d07, name: 'ERROR_SECURITY_SERVER_TIMESKEW', meaning: 'Clock difference between client and server/domain is too large (name-derived meaning).', verified: false, source: RDPGW },
  { code: 0x2107, name: 'SSL_ERR_FRESH_CRED_REQUIRED_BY_SERVER', meaning: 'The server requires freshly typed credentials, not saved ones.', verified: false, source: TLB },
  { code: 0x2207, name: 'SSL_ERR_SMARTCARD_CARD_BLOCKED', meaning: 'The smart card is blocked.', verified: false, source: TLB, aliases: ['ERROR_SECURITY_SMARTCARD_LOCKEDOUT'] },

  // Names found only in rdpgw's commented list (unverified; display names only).
  { code: 0x10a, name: 'ERROR_SMARTCARD_SERVICE', meaning: 'Smart card service problem (name-derived).', verified: false, source: RDPGW },
  { code: 0x20a, name: 'ERROR_SMARTCARD_READER', meaning: 'Smart card reader problem (name-derived).', verified: false, source: RDPGW },
  { code: 0x30a, name: 'ERROR_SMARTCART_NOCARD', meaning: 'No smart card present (name-derived).', verified: false, source: RDPGW },
  { code: 0x40a, name: 'ERROR_SMARTCARD_SUBSYSTEM', meaning: 'Smart card subsystem problem (name-derived).', verified: false, source: RDPGW },
  { code: 0x708, name: 'ERROR_CONSOLE_EXIST', meaning: 'A console session already exists (name-derived).', verified: false, source: RDPGW },
  { code: 0x907, name: 'ERROR_SECURITY_UNEXPECTED_CERTIFICATE', meaning: 'The server presented an unexpected certificate (name-derived).', verified: false, source: RDPGW },
  { code: 0xb04, name: 'ERROR_GENERIC_UNAVAIL', meaning: 'Generic unavailability (name-derived).', verified: false, source: RDPGW },
  { code: 0xb09, name: 'ERROR_SECURITY_NLA_REQUIRED', meaning: 'The server requires Network Level Authentication (name-derived).', verified: false, source: RDPGW },
  { code: 0xd09, name: 'ERROR_SECURITY_USER_DIALOG_REQUIRED', meaning: 'User interaction is required to continue authentication (name-derived).', verified: false, source: RDPGW },
  { code: 0xe06, name: 'ERROR_SECURITY_FIPS_REQUIRED', meaning: 'FIPS-compliant encryption is required (name-derived).', verified: false, source: RDPGW },
  { code: 0xe08, name: 'ERROR_GENERIC_FAILED', meaning: 'Generic failure (name-derived).', verified: false, source: RDPGW },
  { code: 0xe09, name: 'ERROR_SERVER_RA_UNAVAILABLE', meaning: 'Remote assistance server unavailable (name-derived).', verified: false, source: RDPGW },
  { code: 0xf08, name: 'ERROR_SECURITY_USER_CREDENTIALS_NOT_SENT', meaning: 'Credentials were not sent (name-derived).', verified: false, source: RDPGW },
  { code: 0x1007, name: 'ERROR_SECURITY_USER_TIME_RESTRICTION', meaning: 'Logon-hours restriction (name-derived).', verified: false, source: RDPGW },
  { code: 0x1008, name: 'ERROR_LOW_VIDEO', meaning: 'Insufficient video resources (name-derived).', verified: false, source: RDPGW },
  { code: 0x1107, name: 'ERROR_SECURITY_USER_COMPUTER_RANGE', meaning: 'Workstation restriction (name-derived).', verified: false, source: RDPGW },
  { code: 0x1407, name: 'ERROR_KRB_SUB_REQUIRED', meaning: 'Kerberos sub-protocol required (name-derived).', verified: false, source: RDPGW },
  { code: 0x2507, name: 'ERROR_RELAUNCH_APP', meaning: 'The application must be relaunched (name-derived).', verified: false, source: RDPGW },
  { code: 0x2604, name: 'ERROR_UPGRADE_CLIENT', meaning: 'The client must be upgraded (name-derived).', verified: false, source: RDPGW },
  { code: 0x2000001, name: 'ERROR_RELAUNCH_REMOTE', meaning: 'Remote relaunch required (name-derived).', verified: false, source: RDPGW },
  { code: 0x2000002, name: 'ERROR_REMOTEAPP_UNSUPPORTED', meaning: 'RemoteApp not supported (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000001, name: 'ERROR_SECURITY_USER_PASSWORD_INVALID', meaning: 'Invalid password (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000002, name: 'ERROR_SECURITY_CERTIFICATE_REVOKE_LIST_UNAVAIL', meaning: 'Certificate revocation list unavailable (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000003, name: 'ERROR_SECURITY_CERTIFICATE_INVALID', meaning: 'Invalid certificate (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000004, name: 'ERROR_SECURITY_CERTIFICATE_REVOKED', meaning: 'Certificate revoked (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000005, name: 'ERROR_SECURITY_GATEWAY_IDENTITY', meaning: 'Gateway identity could not be verified (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000006, name: 'ERROR_SECURITY_GATEWAY_SUBJECT', meaning: 'Gateway certificate subject mismatch (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000007, name: 'ERROR_SECURITY_GATEWAY_EXPIRED', meaning: 'Gateway certificate expired (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000008, name: 'ERROR_SECURITY_REMOTE_ERROR', meaning: 'Remote security error (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000009, name: 'ERROR_GATEWAY_NETWORK_SEND', meaning: 'Sending to the gateway failed (name-derived).', verified: false, source: RDPGW },
  { code: 0x300000a, name: 'ERROR_GATEWAY_NETWORK_RECEIVE', meaning: 'Receiving from the gateway failed (name-derived).', verified: false, source: RDPGW },
  { code: 0x300000b, name: 'ERROR_SECURITY_ALTERNATE', meaning: 'Alternate security error (name-derived).', verified: false, source: RDPGW },
  { code: 0x300000c, name: 'ERROR_GATEWAY_INVALID_ADDRESS', meaning: 'Invalid gateway address (name-derived).', verified: false, source: RDPGW },
  { code: 0x300000d, name: 'ERROR_GATEWAY_TEMP_UNAVAIL', meaning: 'Gateway temporarily unavailable (name-derived).', verified: false, source: RDPGW },
  { code: 0x300000e, name: 'ERROR_REMOTE_CLIENT_MISSING', meaning: 'Remote client missing (name-derived).', verified: false, source: RDPGW },
  { code: 0x300000f, name: 'ERROR_GATEWAY_LOW_RESOURCES', meaning: 'Gateway low on resources (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000010, name: 'ERROR_GATEWAY_CLIENT_DLL', meaning: 'Gateway client component problem (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000011, name: 'ERROR_SMARTCART_NOSERVICE', meaning: 'Smart card service not running (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000012, name: 'ERROR_SECURITY_SMARTCARD_REMOVED', meaning: 'Smart card removed (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000013, name: 'ERROR_SECURITY_SMARTCARD_REQUIRED', meaning: 'Smart card required (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000014, name: 'ERROR_SECURITY_SMARTCARD_REMOVED2', meaning: 'Smart card removed (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000015, name: 'ERROR_SECURITY_USER_PASSWORD_INVALID2', meaning: 'Invalid password (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000017, name: 'ERROR_SECURITY_TRANSPORT', meaning: 'Transport security error (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000018, name: 'ERROR_GATEWAY_TERMINATE', meaning: 'The gateway ended the connection (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000019, name: 'ERROR_GATEWAY_ADMIN_TERMINATE', meaning: 'A gateway administrator ended the connection (name-derived).', verified: false, source: RDPGW },
  { code: 0x300001a, name: 'ERROR_SECURITY_USER_CREDENTIALS', meaning: 'Gateway rejected the user credentials (name-derived).', verified: false, source: RDPGW },
  { code: 0x300001b, name: 'ERROR_SECURITY_GATEWAY_NOT_PERMITTED', meaning: 'Gateway policy does not permit this user/connection (name-derived).', verified: false, source: RDPGW },
  { code: 0x300001c, name: 'ERROR_SECURITY_GATEWAY_UNAUTHORIZED', meaning: 'Not authorized by the gateway (name-derived).', verified: false, source: RDPGW },
  { code: 0x300001f, name: 'ERROR_SECURITY_GATEWAY_RESTRICTED', meaning: 'Restricted by the gateway (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000020, name: 'ERROR_SECURITY_PROXY_AUTH', meaning: 'Proxy authentication failed (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000021, name: 'ERROR_SECURITY_USER_PASSWORD_MUST_CHANGE', meaning: 'Password must be changed (gateway; name-derived).', verified: false, source: RDPGW },
  { code: 0x3000022, name: 'ERROR_GATEWAY_MAX_REACHED', meaning: 'Gateway connection limit reached (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000023, name: 'ERROR_GATEWAY_UNSUPPORTED_REQUEST', meaning: 'Gateway does not support the request (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000024, name: 'ERROR_GATEWAY_UNSUPPORTED_CAP', meaning: 'Gateway capability not supported (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000025, name: 'ERROR_GATEWAY_INCOMPAT', meaning: 'Gateway incompatible with the client (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000026, name: 'ERROR_SECURITY_SMARTCARD_INVALID_CREDENTIALS', meaning: 'Invalid smart card credentials (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000027, name: 'ERROR_SECURITY_NLA_INVALID', meaning: 'Invalid NLA (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000028, name: 'ERROR_GATEWAY_NO_CERTIFICATE', meaning: 'Gateway has no certificate (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000029, name: 'ERROR_GATEWAY_NOT_ALLOWED', meaning: 'Gateway use not allowed (name-derived).', verified: false, source: RDPGW },
  { code: 0x300002a, name: 'ERROR_GATEWAY_INVALID_CERTIFICATE', meaning: 'Gateway certificate not valid (name-derived).', verified: false, source: RDPGW },
  { code: 0x300002b, name: 'ERROR_SECURITY_GATEWAY_USER_PASSWORD_REQUIRED', meaning: 'Gateway requires password authentication (name-derived).', verified: false, source: RDPGW },
  { code: 0x300002c, name: 'ERROR_SECURITY_GATEWAY_SMARTCARD_REQUIRED', meaning: 'Gateway requires smart card authentication (name-derived).', verified: false, source: RDPGW },
  { code: 0x300002d, name: 'ERROR_SECURITY_SMARTCARD_UNAVAIL', meaning: 'Smart card unavailable (name-derived).', verified: false, source: RDPGW },
  { code: 0x300002f, name: 'ERROR_SECURITY_FIREWALL_NOAUTH', meaning: 'Firewall without authentication (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000030, name: 'ERROR_SECURITY_FIREWALL_AUTH', meaning: 'Firewall authentication (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000032, name: 'ERROR_NO_INPUT', meaning: 'No input (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000033, name: 'ERROR_TIMEOUT', meaning: 'Time-out (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000034, name: 'ERROR_SECURITY_GATEWAY_COOKIE_INVALID', meaning: 'Gateway authentication cookie invalid (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000035, name: 'ERROR_SECURITY_GATEWAY_COOKIE_REJECTED', meaning: 'Gateway authentication cookie rejected (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000037, name: 'ERROR_SECURITY_GATEWAY_AUTH_METHOD', meaning: 'Gateway authentication method not supported (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000038, name: 'ERROR_SECURITY_USER_PERIOD_AUTH', meaning: 'Periodic re-authentication failed (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000039, name: 'ERROR_SECURITY_USER_PERIOD_AUTHZ', meaning: 'Periodic re-authorization failed (name-derived).', verified: false, source: RDPGW },
  { code: 0x300003b, name: 'ERROR_SECURITY_GATEWAY_POLICY', meaning: 'Gateway policy denial (name-derived).', verified: false, source: RDPGW },
  { code: 0x300003c, name: 'ERROR_SECURITY_SMARTCARD_CERTIFICATE', meaning: 'Smart card certificate problem (name-derived).', verified: false, source: RDPGW },
  { code: 0x300003d, name: 'ERROR_LOGON_FIRST', meaning: 'Log on first (name-derived).', verified: false, source: RDPGW },
  { code: 0x300003e, name: 'ERROR_AUTH_LOGON_FIRST', meaning: 'Authenticate first (name-derived).', verified: false, source: RDPGW },
  { code: 0x300003f, name: 'ERROR_SESSION_ENDED', meaning: 'The session ended (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000040, name: 'ERROR_SESSION_ENDED_AUTH', meaning: 'The session ended for authentication reasons (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000041, name: 'ERROR_SECURITY_GATEWAY_NAP', meaning: 'Gateway NAP/health policy denial (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000042, name: 'ERROR_COOKIE_SIZE', meaning: 'Cookie too large (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000044, name: 'ERROR_PROXY_CONFIG', meaning: 'Proxy configuration problem (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000045, name: 'ERROR_NO_PERMISSION', meaning: 'No permission (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000046, name: 'ERROR_NO_RESOURCES', meaning: 'No resources (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000047, name: 'ERROR_RESOURCE_ACCESS', meaning: 'Resource access denied (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000049, name: 'ERROR_UPGRADE_CLIENT2', meaning: 'The client must be upgraded (name-derived).', verified: false, source: RDPGW },
  { code: 0x300004a, name: 'ERROR_SECURITY_NETWORK_HTTPS', meaning: 'HTTPS transport security problem (name-derived).', verified: false, source: RDPGW },
  { code: 0x300004b, name: 'ERROR_TEMP_FAIL', meaning: 'Temporary failure (name-derived).', verified: false, source: RDPGW },
  { code: 0x300004c, name: 'ERROR_SECURITY_USER_MISMATCH', meaning: 'User mismatch (name-derived).', verified: false, source: RDPGW },
  { code: 0x300004d, name: 'ERROR_AZURE_TOO_MANY', meaning: 'Too many Azure connections (name-derived).', verified: false, source: RDPGW },
  { code: 0x300004e, name: 'ERROR_MAX_USER', meaning: 'User limit reached (name-derived).', verified: false, source: RDPGW },
  { code: 0x300004f, name: 'ERROR_AZURE_TRIAL', meaning: 'Azure trial limitation (name-derived).', verified: false, source: RDPGW },
  { code: 0x3000050, name: 'ERROR_AZURE_EXPIRED', meaning: 'Azure subscription expired (name-derived).', verified: false, source: RDPGW },
] as const satisfies readonly CodeEntry[];

export const mstscDisconnectTable = defineTable({
  id: 'mstsc-disconnect',
  title: 'mstsc disconnect reason',
  section: '4.14',
  entries: MSTSC_DISCONNECT_REASONS,
  hexDigits: 0,
  radix: 'hex',
  fallbackName: (_c, hex) => `disconnectReason_${hex} (unknown)`,
});

export function mstscDisconnectReason(code: number): CodeInfo {
  return mstscDisconnectTable.lookup(code);
}

/**
 * The "layered" look of mstsc codes (ExtendedDisconnectReasonCode (Remote Desktop ActiveX control), inferred, not documented): the low byte
 * seems to name a category (0x04 Winsock/network, 0x06 security/encryption, 0x07 authentication,
 * 0x08 licensing/internal, 0x09 NLA-related) and the upper bits an index within it. Informational
 * only: never use it for decisions.
 */
export interface MstscCodeLayer {
  readonly lowByte: number;
  readonly index: number;
  readonly category: string;
  readonly verified: false;
}

const LAYERS: Readonly<Record<number, string>> = {
  0x04: 'Winsock / network',
  0x06: 'security / encryption',
  0x07: 'authentication (SSL_ERR)',
  0x08: 'licensing / internal',
  0x09: 'NLA-related',
};

export function mstscCodeLayer(code: number): MstscCodeLayer {
  const u = Number.isInteger(code) ? code >>> 0 : 0;
  const lowByte = u & 0xff;
  return { lowByte, index: u >>> 8, category: LAYERS[lowByte] ?? 'unknown', verified: false };
}
