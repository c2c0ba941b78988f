/**
 * Server Set Error Info PDU errorInfo values (MS-RDPBCGR 2.2.5.1.1).
 * MS-RDPBCGR 2.2.5.1.1 (all ranges) and 0.1; names/values from FreeRDP error.h.
 */
import { defineTable, type CodeEntry, type CodeInfo } from './table.js';

const SRC = 'MS-RDPBCGR 2.2.5.1.1; MS-RDPBCGR 2.2.5.1.1, FreeRDP error.h';
const UNV = 'MS-RDPBCGR 2.2.5.1.1: in other implementations and a type-library dump, not found in MS-RDPBCGR (UNVERIFIED)';

/** ERRINFO_SECURITY_DATA_TOO_SHORT2 … 23 (0x1111 … 0x1126): one code per truncated field. */
function tooShort(i: number): CodeEntry {
  return {
    code: 0x1111 + i,
    name: `ERRINFO_SECURITY_DATA_TOO_SHORT${i + 2}`,
    meaning: `A field of the client's security header, Security Exchange PDU or Client Info PDU was truncated (variant ${i + 2} of the series; each variant names one field).`,
    verified: true,
    source: SRC,
  };
}

export const ERRINFO_CODES = [
  // Protocol-independent
  { code: 0x00000000, name: 'ERRINFO_SUCCESS', meaning: 'No error (ERRINFO_NONE in MS-RDPBCGR 2.2.5.1.1); nothing to report.', verified: true, source: SRC },
  { code: 0x00000001, name: 'ERRINFO_RPC_INITIATED_DISCONNECT', meaning: 'An administrative tool in another session disconnected this session.', verified: true, source: SRC },
  { code: 0x00000002, name: 'ERRINFO_RPC_INITIATED_LOGOFF', meaning: 'An administrative tool in another session logged this user off.', verified: true, source: SRC },
  { code: 0x00000003, name: 'ERRINFO_IDLE_TIMEOUT', meaning: 'The session hit the server idle-time limit.', verified: true, source: SRC },
  { code: 0x00000004, name: 'ERRINFO_LOGON_TIMEOUT', meaning: 'The session hit the server limit on active session time.', verified: true, source: SRC },
  { code: 0x00000005, name: 'ERRINFO_DISCONNECTED_BY_OTHER_CONNECTION', meaning: 'Another connection took over this session.', verified: true, source: SRC },
  { code: 0x00000006, name: 'ERRINFO_OUT_OF_MEMORY', meaning: 'The server ran out of memory.', verified: true, source: SRC },
  { code: 0x00000007, name: 'ERRINFO_SERVER_DENIED_CONNECTION', meaning: 'The server refused the connection. The PDU does not say which policy or state caused it; see server logs.', verified: true, source: SRC },
  { code: 0x00000009, name: 'ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES', meaning: 'The user does not have the right to connect to this server.', verified: true, source: SRC },
  { code: 0x0000000a, name: 'ERRINFO_SERVER_FRESH_CREDENTIALS_REQUIRED', meaning: 'The server does not accept saved credentials; the user must type them.', verified: true, source: SRC },
  { code: 0x0000000b, name: 'ERRINFO_RPC_INITIATED_DISCONNECT_BY_USER', meaning: 'An administrative tool running in the user\'s own session disconnected it.', verified: true, source: SRC },
  { code: 0x0000000c, name: 'ERRINFO_LOGOFF_BY_USER', meaning: 'The user logged off.', verified: true, source: SRC },
  { code: 0x0000000f, name: 'ERRINFO_CLOSE_STACK_ON_DRIVER_NOT_READY', meaning: 'The remote display driver did not report ready in time.', verified: true, source: SRC },
  { code: 0x00000010, name: 'ERRINFO_SERVER_DWM_CRASH', meaning: 'The Desktop Window Manager in the session crashed.', verified: true, source: SRC },
  { code: 0x00000011, name: 'ERRINFO_CLOSE_STACK_ON_DRIVER_FAILURE', meaning: 'The display driver failed while starting.', verified: true, source: SRC },
  { code: 0x00000012, name: 'ERRINFO_CLOSE_STACK_ON_DRIVER_IFACE_FAILURE', meaning: 'The display driver started but the protocol stack could not use it.', verified: true, source: SRC },
  { code: 0x00000017, name: 'ERRINFO_SERVER_WINLOGON_CRASH', meaning: 'Winlogon in the session crashed.', verified: true, source: SRC },
  { code: 0x00000018, name: 'ERRINFO_SERVER_CSRSS_CRASH', meaning: 'CSRSS in the session crashed.', verified: true, source: SRC },
  { code: 0x00000019, name: 'ERRINFO_SERVER_SHUTDOWN', meaning: 'The server is shutting down (UNVERIFIED in MS-RDPBCGR).', verified: false, source: UNV },
  { code: 0x0000001a, name: 'ERRINFO_SERVER_REBOOT', meaning: 'The server is rebooting (UNVERIFIED in MS-RDPBCGR).', verified: false, source: UNV },
  // Protocol-independent licensing
  { code: 0x00000100, name: 'ERRINFO_LICENSE_INTERNAL', meaning: 'Internal error in the licensing component.', verified: true, source: SRC },
  { code: 0x00000101, name: 'ERRINFO_LICENSE_NO_LICENSE_SERVER', meaning: 'No Remote Desktop license server could be found.', verified: true, source: SRC },
  { code: 0x00000102, name: 'ERRINFO_LICENSE_NO_LICENSE', meaning: 'No client access licenses (CALs) are available.', verified: true, source: SRC },
  { code: 0x00000103, name: 'ERRINFO_LICENSE_BAD_CLIENT_MSG', meaning: 'The client sent an invalid licensing message.', verified: true, source: SRC },
  { code: 0x00000104, name: 'ERRINFO_LICENSE_HWID_DOESNT_MATCH_LICENSE', meaning: 'The CAL stored on the client was modified (hardware ID mismatch).', verified: true, source: SRC },
  { code: 0x00000105, name: 'ERRINFO_LICENSE_BAD_CLIENT_LICENSE', meaning: 'The CAL stored on the client is malformed.', verified: true, source: SRC },
  { code: 0x00000106, name: 'ERRINFO_LICENSE_CANT_FINISH_PROTOCOL', meaning: 'Network problems stopped the licensing exchange.', verified: true, source: SRC },
  { code: 0x00000107, name: 'ERRINFO_LICENSE_CLIENT_ENDED_PROTOCOL', meaning: 'The client ended the licensing exchange early.', verified: true, source: SRC },
  { code: 0x00000108, name: 'ERRINFO_LICENSE_BAD_CLIENT_ENCRYPTION', meaning: 'A licensing message was not encrypted correctly.', verified: true, source: SRC },
  { code: 0x00000109, name: 'ERRINFO_LICENSE_CANT_UPGRADE_LICENSE', meaning: 'The client CAL could not be upgraded or renewed.', verified: true, source: SRC },
  { code: 0x0000010a, name: 'ERRINFO_LICENSE_NO_REMOTE_CONNECTIONS', meaning: 'The server is not licensed to accept remote connections.', verified: true, source: SRC },
  // Connection broker
  { code: 0x00000400, name: 'ERRINFO_CB_DESTINATION_NOT_FOUND', meaning: 'The broker could not find the target endpoint.', verified: true, source: SRC },
  { code: 0x00000402, name: 'ERRINFO_CB_LOADING_DESTINATION', meaning: 'The target endpoint is disconnecting from the broker.', verified: true, source: SRC },
  { code: 0x00000404, name: 'ERRINFO_CB_REDIRECTING_TO_DESTINATION', meaning: 'Redirecting to the target endpoint failed.', verified: true, source: SRC },
  { code: 0x00000405, name: 'ERRINFO_CB_SESSION_ONLINE_VM_WAKE', meaning: 'Waking the target virtual machine failed.', verified: true, source: SRC },
  { code: 0x00000406, name: 'ERRINFO_CB_SESSION_ONLINE_VM_BOOT', meaning: 'Starting the target virtual machine failed.', verified: true, source: SRC },
  { code: 0x00000407, name: 'ERRINFO_CB_SESSION_ONLINE_VM_NO_DNS', meaning: 'The IP address of the target virtual machine is unknown.', verified: true, source: SRC },
  { code: 0x00000408, name: 'ERRINFO_CB_DESTINATION_POOL_NOT_FREE', meaning: 'No free endpoint is left in the pool.', verified: true, source: SRC },
  { code: 0x00000409, name: 'ERRINFO_CB_CONNECTION_CANCELLED', meaning: 'The broker cancelled processing of the connection.', verified: true, source: SRC },
  { code: 0x00000410, name: 'ERRINFO_CB_CONNECTION_ERROR_INVALID_SETTINGS', meaning: 'The routing token settings could not be validated.', verified: true, source: SRC },
  { code: 0x00000411, name: 'ERRINFO_CB_SESSION_ONLINE_VM_BOOT_TIMEOUT', meaning: 'Timed out starting the target virtual machine.', verified: true, source: SRC },
  { code: 0x00000412, name: 'ERRINFO_CB_SESSION_ONLINE_VM_SESSMON_FAILED', meaning: 'Session monitoring failed while starting the target virtual machine.', verified: true, source: SRC },
  // RDP-specific protocol errors detected by the server
  { code: 0x000010c9, name: 'ERRINFO_UNKNOWN_DATA_PDU_TYPE', meaning: 'The client sent a data PDU with an unknown pduType2.', verified: true, source: SRC },
  { code: 0x000010ca, name: 'ERRINFO_UNKNOWN_PDU_TYPE', meaning: 'The client sent a PDU with an unknown pduType.', verified: true, source: SRC },
  { code: 0x000010cb, name: 'ERRINFO_DATA_PDU_SEQUENCE', meaning: 'A slow-path data PDU arrived out of sequence.', verified: true, source: SRC },
  { code: 0x000010cd, name: 'ERRINFO_CONTROL_PDU_SEQUENCE', meaning: 'A non-data (control) PDU arrived out of sequence.', verified: true, source: SRC },
  { code: 0x000010ce, name: 'ERRINFO_INVALID_CONTROL_PDU_ACTION', meaning: 'A Control PDU carried an invalid action.', verified: true, source: SRC },
  { code: 0x000010cf, name: 'ERRINFO_INVALID_INPUT_PDU_TYPE', meaning: 'An input event had an invalid type.', verified: true, source: SRC },
  { code: 0x000010d0, name: 'ERRINFO_INVALID_INPUT_PDU_MOUSE', meaning: 'A mouse event had invalid flags.', verified: true, source: SRC },
  { code: 0x000010d1, name: 'ERRINFO_INVALID_REFRESH_RECT_PDU', meaning: 'A Refresh Rect PDU was invalid.', verified: true, source: SRC },
  { code: 0x000010d2, name: 'ERRINFO_CREATE_USER_DATA_FAILED', meaning: 'The server could not build its GCC conference response data.', verified: true, source: SRC },
  { code: 0x000010d3, name: 'ERRINFO_CONNECT_FAILED', meaning: 'The channel connection phase failed.', verified: true, source: SRC },
  { code: 0x000010d4, name: 'ERRINFO_CONFIRM_ACTIVE_HAS_WRONG_SHAREID', meaning: 'The Confirm Active PDU carried the wrong share ID.', verified: true, source: SRC },
  { code: 0x000010d5, name: 'ERRINFO_CONFIRM_ACTIVE_HAS_WRONG_ORIGINATOR', meaning: 'The Confirm Active PDU carried the wrong originator ID.', verified: true, source: SRC },
  { code: 0x000010da, name: 'ERRINFO_PERSISTENT_KEY_PDU_BAD_LENGTH', meaning: 'A Persistent Key List PDU had a bad length.', verified: true, source: SRC },
  { code: 0x000010db, name: 'ERRINFO_PERSISTENT_KEY_PDU_ILLEGAL_FIRST', meaning: 'A Persistent Key List PDU was wrongly flagged as first.', verified: true, source: SRC },
  { code: 0x000010dc, name: 'ERRINFO_PERSISTENT_KEY_PDU_TOO_MANY_TOTAL_KEYS', meaning: 'The persistent key list announced too many keys in total (more than 262144).', verified: true, source: SRC },
  { code: 0x000010dd, name: 'ERRINFO_PERSISTENT_KEY_PDU_TOO_MANY_CACHE_KEYS', meaning: 'The persistent key list had too many keys for one cache.', verified: true, source: SRC },
  { code: 0x000010de, name: 'ERRINFO_INPUT_PDU_BAD_LENGTH', meaning: 'An input PDU had a bad length.', verified: true, source: SRC },
  { code: 0x000010df, name: 'ERRINFO_BITMAP_CACHE_ERROR_PDU_BAD_LENGTH', meaning: 'A Bitmap Cache Error PDU had a bad length.', verified: true, source: SRC },
  { code: 0x000010e0, name: 'ERRINFO_SECURITY_DATA_TOO_SHORT', meaning: 'Security data (e.g. a fast-path signature) was too short.', verified: true, source: SRC },
  { code: 0x000010e1, name: 'ERRINFO_VCHANNEL_DATA_TOO_SHORT', meaning: 'Virtual channel data was too short.', verified: true, source: SRC },
  { code: 0x000010e2, name: 'ERRINFO_SHARE_DATA_TOO_SHORT', meaning: 'Share data was too short.', verified: true, source: SRC },
  { code: 0x000010e3, name: 'ERRINFO_BAD_SUPPRESS_OUTPUT_PDU', meaning: 'A Suppress Output PDU was invalid.', verified: true, source: SRC },
  { code: 0x000010e5, name: 'ERRINFO_CONFIRM_ACTIVE_PDU_TOO_SHORT', meaning: 'The Confirm Active PDU was too short.', verified: true, source: SRC },
  { code: 0x000010e7, name: 'ERRINFO_CAPABILITY_SET_TOO_SMALL', meaning: 'A capability set was too small.', verified: true, source: SRC },
  { code: 0x000010e8, name: 'ERRINFO_CAPABILITY_SET_TOO_LARGE', meaning: 'A capability set was too large.', verified: true, source: SRC },
  { code: 0x000010e9, name: 'ERRINFO_NO_CURSOR_CACHE', meaning: 'The client advertised no usable cursor cache.', verified: true, source: SRC },
  { code: 0x000010ea, name: 'ERRINFO_BAD_CAPABILITIES', meaning: 'The server rejected the client capabilities.', verified: true, source: SRC },
  { code: 0x000010ec, name: 'ERRINFO_VIRTUAL_CHANNEL_DECOMPRESSION', meaning: 'Virtual channel data could not be decompressed.', verified: true, source: SRC },
  { code: 0x000010ed, name: 'ERRINFO_INVALID_VC_COMPRESSION_TYPE', meaning: 'Virtual channel data used an invalid compression type.', verified: true, source: SRC },
  { code: 0x000010ef, name: 'ERRINFO_INVALID_CHANNEL_ID', meaning: 'Data arrived on an invalid channel ID.', verified: true, source: SRC },
  { code: 0x000010f0, name: 'ERRINFO_VCHANNELS_TOO_MANY', meaning: 'The client requested too many static channels (more than 31).', verified: true, source: SRC },
  { code: 0x000010f3, name: 'ERRINFO_REMOTEAPP_NOT_ENABLED', meaning: 'The server only hosts RemoteApps but the client did not ask for RemoteApp (INFO_RAIL missing).', verified: true, source: SRC },
  { code: 0x000010f4, name: 'ERRINFO_CACHE_CAP_NOT_SET', meaning: 'A required cache capability was not sent.', verified: true, source: SRC },
  { code: 0x000010f5, name: 'ERRINFO_BITMAP_CACHE_ERROR_PDU_BAD_LENGTH2', meaning: 'A Bitmap Cache Error PDU had a bad length.', verified: true, source: SRC },
  { code: 0x000010f6, name: 'ERRINFO_OFFSCREEN_CACHE_ERROR_PDU_BAD_LENGTH', meaning: 'An Offscreen Cache Error PDU had a bad length.', verified: true, source: SRC },
  { code: 0x000010f7, name: 'ERRINFO_DRAWNINEGRID_CACHE_ERROR_PDU_BAD_LENGTH', meaning: 'A DrawNineGrid Cache Error PDU had a bad length.', verified: true, source: SRC },
  { code: 0x000010f8, name: 'ERRINFO_GDIPLUS_PDU_BAD_LENGTH', meaning: 'A GDI+ Error PDU had a bad length.', verified: true, source: SRC },
  ...Array.from({ length: 22 }, (_, i) => tooShort(i)),
  { code: 0x00001129, name: 'ERRINFO_BAD_MONITOR_DATA', meaning: 'The client monitor layout data was invalid.', verified: true, source: SRC },
  { code: 0x0000112a, name: 'ERRINFO_VC_DECOMPRESSED_REASSEMBLE_FAILED', meaning: 'Decompressed virtual channel data could not be reassembled.', verified: true, source: SRC },
  { code: 0x0000112b, name: 'ERRINFO_VC_DATA_TOO_LONG', meaning: 'A virtual channel message was too long.', verified: true, source: SRC },
  { code: 0x0000112c, name: 'ERRINFO_BAD_FRAME_ACK_DATA', meaning: 'A Frame Acknowledge PDU was invalid.', verified: true, source: SRC },
  { code: 0x0000112d, name: 'ERRINFO_GRAPHICS_MODE_NOT_SUPPORTED', meaning: 'The requested graphics mode is not supported.', verified: true, source: SRC },
  { code: 0x0000112e, name: 'ERRINFO_GRAPHICS_SUBSYSTEM_RESET_FAILED', meaning: 'Resetting the server graphics subsystem failed.', verified: true, source: SRC },
  { code: 0x0000112f, name: 'ERRINFO_GRAPHICS_SUBSYSTEM_FAILED', meaning: 'The server graphics subsystem failed.', verified: true, source: SRC },
  { code: 0x00001130, name: 'ERRINFO_TIMEZONE_KEY_NAME_LENGTH_TOO_SHORT', meaning: 'The time zone key name in Client Info was too short.', verified: true, source: SRC },
  { code: 0x00001131, name: 'ERRINFO_TIMEZONE_KEY_NAME_LENGTH_TOO_LONG', meaning: 'The time zone key name in Client Info was too long.', verified: true, source: SRC },
  { code: 0x00001132, name: 'ERRINFO_DYNAMIC_DST_DISABLED_FIELD_MISSING', meaning: 'The dynamic daylight-saving field was missing from Client Info.', verified: true, source: SRC },
  { code: 0x00001133, name: 'ERRINFO_VC_DECODING_ERROR', meaning: 'A virtual channel message could not be decoded.', verified: true, source: SRC },
  { code: 0x00001134, name: 'ERRINFO_VIRTUALDESKTOPTOOLARGE', meaning: 'The requested virtual desktop is too large.', verified: true, source: SRC },
  { code: 0x00001135, name: 'ERRINFO_MONITORGEOMETRYVALIDATIONFAILED', meaning: 'The monitor geometry failed validation.', verified: true, source: SRC },
  { code: 0x00001136, name: 'ERRINFO_INVALIDMONITORCOUNT', meaning: 'The number of monitors is invalid.', verified: true, source: SRC },
  { code: 0x00001191, name: 'ERRINFO_UPDATE_SESSION_KEY_FAILED', meaning: 'Updating the Standard RDP Security session key failed.', verified: true, source: SRC },
  { code: 0x00001192, name: 'ERRINFO_DECRYPT_FAILED', meaning: 'The server could not decrypt data from the client.', verified: true, source: SRC },
  { code: 0x00001193, name: 'ERRINFO_ENCRYPT_FAILED', meaning: 'The server could not encrypt data for the client.', verified: true, source: SRC },
  { code: 0x00001194, name: 'ERRINFO_ENCRYPTION_PACKAGE_MISMATCH', meaning: 'Client and server encryption packages do not match.', verified: true, source: SRC },
  { code: 0x00001195, name: 'ERRINFO_DECRYPT_FAILED2', meaning: 'The server could not decrypt data from the client.', verified: true, source: SRC },
  { code: 0x00001196, name: 'ERRINFO_PEER_DISCONNECTED', meaning: 'The peer disconnected.', verified: true, source: SRC },
  // FreeRDP-internal sentinel (not sent on the wire)
  { code: 0xffffffff, name: 'ERRINFO_NONE', meaning: 'FreeRDP marker for "no error info received"; never sent by a server.', verified: true, source: 'FreeRDP error.h (client-side sentinel)' },
] as const satisfies readonly CodeEntry[];

export const errinfoTable = defineTable({
  id: 'errinfo',
  title: 'Set Error Info errorInfo',
  section: '4.12',
  entries: ERRINFO_CODES,
  hexDigits: 8,
  radix: 'hex',
  fallbackName: (_c, hex) => `ERRINFO_${hex} (unknown)`,
});

export function errinfo(code: number): CodeInfo {
  return errinfoTable.lookup(code);
}
