/**
 * ExtendedDisconnectReasonCode (mstsc "Extended error code"), ExtendedDisconnectReasonCode (Remote Desktop ActiveX control) and 0.1.
 * Same numbering as ERRINFO for 0-0x1A, 0x100-0x10A and the protocol range 0x1000-0x7FFF
 * (documented); that mstsc copies the received errorInfo here is inferred (docs/findings).
 */
import { errinfoTable } from './errinfo.js';
import { defineTable, type CodeEntry, type CodeInfo } from './table.js';

const SRC = 'ExtendedDisconnectReasonCode (Remote Desktop ActiveX control); Microsoft ExtendedDisconnectReasonCode documentation ExtendedDisconnectReasonCode';
const UNV = 'ExtendedDisconnectReasonCode (Remote Desktop ActiveX control): type-library dump only, UNVERIFIED on the Microsoft page';

export const EX_DISC_PROTOCOL_RANGE_START = 0x1000;
export const EX_DISC_PROTOCOL_RANGE_END = 0x7fff;

export const EXTENDED_DISCONNECT_REASONS = [
  { code: 0, name: 'exDiscReasonNoInfo', meaning: 'No extended information.', verified: true, source: SRC },
  { code: 1, name: 'exDiscReasonAPIInitiatedDisconnect', meaning: 'An application or administrative tool disconnected the session.', verified: true, source: SRC },
  { code: 2, name: 'exDiscReasonAPIInitiatedLogoff', meaning: 'An application or administrative tool logged the session off.', verified: true, source: SRC },
  { code: 3, name: 'exDiscReasonServerIdleTimeout', meaning: 'The server idle-session limit was reached.', verified: true, source: SRC },
  { code: 4, name: 'exDiscReasonServerLogonTimeout', meaning: 'The server limit on active session time was reached.', verified: true, source: SRC },
  { code: 5, name: 'exDiscReasonReplacedByOtherConnection', meaning: 'Another connection replaced this one.', verified: true, source: SRC },
  { code: 6, name: 'exDiscReasonOutOfMemory', meaning: 'The server ran out of memory.', verified: true, source: SRC },
  { code: 7, name: 'exDiscReasonServerDeniedConnection', meaning: 'The server denied the connection (same number as ERRINFO_SERVER_DENIED_CONNECTION).', verified: true, source: SRC },
  { code: 8, name: 'exDiscReasonServerDeniedConnectionFips', meaning: 'The server denied the connection for security reasons (FIPS). No ERRINFO counterpart in FreeRDP.', verified: true, source: SRC },
  { code: 9, name: 'exDiscReasonServerInsufficientPrivileges', meaning: 'The user lacks the privileges needed to connect.', verified: true, source: SRC },
  { code: 10, name: 'exDiscReasonServerFreshCredsRequired', meaning: 'The server requires freshly entered credentials.', verified: true, source: SRC },
  { code: 11, name: 'exDiscReasonRpcInitiatedDisconnectByUser', meaning: 'An administrative tool in the user\'s own session disconnected it.', verified: true, source: SRC },
  { code: 12, name: 'exDiscReasonLogoffByUser', meaning: 'The user logged off.', verified: true, source: SRC },
  { code: 25, name: 'exDiscReasonShutdown', meaning: 'The server is shutting down (UNVERIFIED).', verified: false, source: UNV },
  { code: 26, name: 'exDiscReasonReboot', meaning: 'The server is rebooting (UNVERIFIED).', verified: false, source: UNV },
  { code: 256, name: 'exDiscReasonLicenseInternal', meaning: 'Internal licensing error.', verified: true, source: SRC },
  { code: 257, name: 'exDiscReasonLicenseNoLicenseServer', meaning: 'No license server was available.', verified: true, source: SRC },
  { code: 258, name: 'exDiscReasonLicenseNoLicense', meaning: 'No client access license was available.', verified: true, source: SRC },
  { code: 259, name: 'exDiscReasonLicenseErrClientMsg', meaning: 'The client sent an invalid licensing message.', verified: true, source: SRC },
  { code: 260, name: 'exDiscReasonLicenseHwidDoesntMatchLicense', meaning: 'The client license does not match its hardware ID.', verified: true, source: SRC },
  { code: 261, name: 'exDiscReasonLicenseErrClientLicense', meaning: 'The client license is invalid.', verified: true, source: SRC },
  { code: 262, name: 'exDiscReasonLicenseCantFinishProtocol', meaning: 'Network problems stopped the licensing exchange.', verified: true, source: SRC },
  { code: 263, name: 'exDiscReasonLicenseClientEndedProtocol', meaning: 'The client ended the licensing exchange early.', verified: true, source: SRC },
  { code: 264, name: 'exDiscReasonLicenseErrClientEncryption', meaning: 'A licensing message was not encrypted correctly.', verified: true, source: SRC },
  { code: 265, name: 'exDiscReasonLicenseCantUpgradeLicense', meaning: 'The client license could not be upgraded or renewed.', verified: true, source: SRC },
  { code: 266, name: 'exDiscReasonLicenseNoRemoteConnections', meaning: 'The server is not licensed to accept remote connections.', verified: true, source: SRC },
  { code: 267, name: 'exDiscReasonLicenseCreatingLicStoreAccDenied', meaning: 'Access was denied while creating the client license store.', verified: true, source: SRC },
  { code: 768, name: 'exDiscReasonRdpEncInvalidCredentials', meaning: 'Invalid credentials (RDP encryption layer). No ERRINFO counterpart found.', verified: true, source: SRC },
  { code: EX_DISC_PROTOCOL_RANGE_START, name: 'exDiscReasonProtocolRangeStart', meaning: 'Start of the protocol-error range (values here are the server\'s ERRINFO protocol codes).', verified: true, source: SRC },
  { code: EX_DISC_PROTOCOL_RANGE_END, name: 'exDiscReasonProtocolRangeEnd', meaning: 'End of the protocol-error range.', verified: true, source: SRC },
] as const satisfies readonly CodeEntry[];

/** Values inside 0x1000-0x7FFF are ERRINFO protocol codes: answer with the ERRINFO meaning. */
function protocolRange(code: number): CodeEntry | undefined {
  if (code <= EX_DISC_PROTOCOL_RANGE_START || code >= EX_DISC_PROTOCOL_RANGE_END) return undefined;
  const e = errinfoTable.find(code);
  return {
    code,
    name: e ? `exDiscReasonProtocolRange (${e.name})` : 'exDiscReasonProtocolRange',
    meaning: e
      ? `Protocol error reported by the server; same number as ${e.name}: ${e.meaning}`
      : 'Protocol error reported by the server (inside exDiscReasonProtocolRangeStart..End); no ERRINFO name for this value.',
    verified: e ? e.verified : false,
    source: `${SRC}; meaning via MS-RDPBCGR 2.2.5.1.1`,
  };
}

export const extendedDisconnectTable = defineTable({
  id: 'extended-disconnect',
  title: 'mstsc extended disconnect reason',
  section: '4.14',
  entries: EXTENDED_DISCONNECT_REASONS,
  hexDigits: 0,
  radix: 'dec',
  fallbackName: (c) => `exDiscReason_${c} (unknown)`,
  extra: protocolRange,
});

export function extendedDisconnectReason(code: number): CodeInfo {
  return extendedDisconnectTable.lookup(code);
}
