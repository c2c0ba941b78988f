/**
 * The RDP-relevant events rdpdiag knows: which provider/id pairs are selected by default, what
 * each says in words, and the codes in it named through the code tables of src/codes (NTSTATUS,
 * Kerberos, mstsc disconnect reasons, ERRINFO, TLS alerts, E_PROXY HRESULTs). Wording lives here
 * only; the text and JSON renderers both take `meaning`.
 *
 * Field names are those Windows writes (seen in the public corpus, except the RDPClient/Operational
 * events, which no public log holds: their fields follow the provider's manifest and are read
 * leniently). Meanings never quote user or domain names, so they need no redaction of their own.
 */
import { errinfo } from '../codes/errinfo.js';
import { eproxyError } from '../codes/eproxy.js';
import { kerberosError } from '../codes/kerberos-errors.js';
import { mstscDisconnectReason } from '../codes/mstsc-disconnect.js';
import { ntstatus } from '../codes/ntstatus.js';
import type { CodeInfo } from '../codes/table.js';
import { tlsAlert } from '../codes/tls-alerts.js';
import type { EventRecord } from './event.js';

export const Provider = {
  Rcm: 'Microsoft-Windows-TerminalServices-RemoteConnectionManager',
  RdpCoreTs: 'Microsoft-Windows-RemoteDesktopServices-RdpCoreTS',
  Lsm: 'Microsoft-Windows-TerminalServices-LocalSessionManager',
  Gateway: 'Microsoft-Windows-TerminalServices-Gateway',
  RdpClient: 'Microsoft-Windows-TerminalServices-ClientActiveXCore',
  Schannel: 'Schannel',
  TermDd: 'TermDD',
  Security: 'Microsoft-Windows-Security-Auditing',
} as const;

/** Channel of the client log (its provider is ClientActiveXCore). */
export const RDPCLIENT_CHANNEL = 'Microsoft-Windows-TerminalServices-RDPClient/Operational';

export type Data = (name: string) => string;

/** A number written in decimal or 0x-hex, or NaN. */
export function num(s: string): number {
  const t = s.trim();
  if (/^0x[0-9a-f]+$/i.test(t)) return parseInt(t, 16);
  if (/^-?\d+$/.test(t)) return Number(t);
  return NaN;
}

function hex(n: number, digits = 8): string {
  return '0x' + (n >>> 0).toString(16).toUpperCase().padStart(digits, '0');
}

/** "0xC000006A STATUS_WRONG_PASSWORD (the password is wrong)". */
export function named(info: CodeInfo, shown: string): string {
  return `${shown} ${info.name}${info.known ? ` (${info.meaning.replace(/\.$/, '').replace(/^./, (c) => c.toLowerCase())})` : ''}`;
}

function status(s: string): string {
  const n = num(s);
  return Number.isNaN(n) ? s : named(ntstatus(n >>> 0), hex(n));
}

const LOGON_TYPES: Record<string, string> = {
  '2': 'interactive',
  '3': 'network (with NLA, the RDP credentials are checked as a network logon)',
  '7': 'unlock / reconnect',
  '10': 'RemoteInteractive (Remote Desktop)',
};

interface Known {
  /** Whether the record belongs in the default (RDP-relevant) selection. */
  readonly relevant?: (d: Data) => boolean;
  readonly meaning: (d: Data) => string;
}

const KNOWN: Record<string, Known> = {
  // RemoteConnectionManager (server)
  [`${Provider.Rcm}:261`]: { meaning: (d) => `Listener ${d('listenerName') || '?'} received a connection (TCP accepted by Remote Desktop Services).` },
  [`${Provider.Rcm}:1149`]: { meaning: (d) => `User authentication succeeded (NLA / credentials accepted) for a connection from ${d('Param3') || 'an unknown address'}.` },
  [`${Provider.Rcm}:1158`]: { meaning: (d) => `Remote Desktop Services accepted a connection from ${d('Param1') || 'an unknown address'}.` },
  [`${Provider.Rcm}:1056`]: { meaning: () => 'The RD session host created a self-signed certificate for TLS (clients that check the certificate will warn).' },
  [`${Provider.Rcm}:258`]: { meaning: (d) => `Listener ${d('listenerName') || '?'} started.` },
  // RdpCoreTS (server)
  [`${Provider.RdpCoreTs}:131`]: { meaning: (d) => `The server accepted a new ${d('ConnType') || 'TCP'} connection from ${d('ClientIP') || 'an unknown client'}.` },
  [`${Provider.RdpCoreTs}:102`]: { meaning: () => 'The server terminated the main RDP connection with the client.' },
  [`${Provider.RdpCoreTs}:103`]: { meaning: (d) => `The server gave disconnect reason ${d('ReasonCode') || '?'} for the connection it terminated.` },
  [`${Provider.RdpCoreTs}:140`]: { meaning: (d) => `A connection from ${d('IPString') || d('ClientIP') || 'a client'} failed because the user name or password is not correct (server-side logon failure).` },
  [`${Provider.RdpCoreTs}:139`]: { meaning: (d) => `The server's security layer detected an error in the protocol stream and disconnected the client ${d('IPString') || d('ClientIP') || ''}.`.replace(' .', '.') },
  [`${Provider.RdpCoreTs}:98`]: { meaning: () => 'A TCP connection was established with the client.' },
  [`${Provider.RdpCoreTs}:226`]: { relevant: (d) => num(d('ErrorCode')) !== 0, meaning: (d) => `Connection state ${d('PreviousStateName') || '?'} → ${d('NewStateName') || '?'} on ${d('EventName') || '?'}, error ${d('ErrorCode') || '?'}.` },
  // LocalSessionManager (server)
  [`${Provider.Lsm}:21`]: { meaning: (d) => `Session logon succeeded (session ${d('SessionID') || '?'}, source ${d('Address') || '?'}).` },
  [`${Provider.Lsm}:22`]: { meaning: (d) => `Shell start notification received (session ${d('SessionID') || '?'}, source ${d('Address') || '?'}).` },
  [`${Provider.Lsm}:23`]: { meaning: (d) => `Session logoff succeeded (session ${d('SessionID') || '?'}).` },
  [`${Provider.Lsm}:24`]: { meaning: (d) => `Session ${d('SessionID') || '?'} has been disconnected (source ${d('Address') || '?'}).` },
  [`${Provider.Lsm}:25`]: { meaning: (d) => `Session reconnection succeeded (session ${d('SessionID') || '?'}, source ${d('Address') || '?'}).` },
  [`${Provider.Lsm}:39`]: { meaning: (d) => `Session ${d('TargetSession') || '?'} has been disconnected by session ${d('Source') || '?'}.` },
  [`${Provider.Lsm}:40`]: {
    meaning: (d) => {
      const r = num(d('Reason'));
      // The reason codes follow the ERRINFO numbering (MS-RDPBCGR 2.2.5.1.1): 5 = another connection took the session, 11 = disconnected by the user, 12 = logoff.
      return `Session ${d('Session') || '?'} has been disconnected, reason ${Number.isNaN(r) ? d('Reason') || '?' : r === 0 ? '0 (no additional information)' : named(errinfo(r), String(r))}.`;
    },
  },
  // RD Gateway
  [`${Provider.Gateway}:200`]: { meaning: (d) => `RD Gateway: the user met the connection authorization policy (CAP) and may use the gateway (client ${d('IpAddress') || '?'}, ${d('AuthType') || '?'}).` },
  [`${Provider.Gateway}:201`]: { meaning: (d) => `RD Gateway: the user did NOT meet the connection authorization policy (CAP) and was refused (client ${d('IpAddress') || '?'}${gwError(d)}).` },
  [`${Provider.Gateway}:300`]: { meaning: (d) => `RD Gateway: the user met the resource authorization policy (RAP) for the target computer (client ${d('IpAddress') || '?'}).` },
  [`${Provider.Gateway}:301`]: { meaning: (d) => `RD Gateway: the user did NOT meet the resource authorization policy (RAP) for the target computer and was refused (client ${d('IpAddress') || '?'}${gwError(d)}).` },
  [`${Provider.Gateway}:302`]: { meaning: (d) => `RD Gateway: the client ${d('IpAddress') || '?'} connected to its target computer through the gateway.` },
  [`${Provider.Gateway}:303`]: { meaning: (d) => `RD Gateway: the client ${d('IpAddress') || '?'} disconnected from its target after ${d('SessionDuration') || '?'} s (${d('BytesTransfered') || '?'} bytes sent, ${d('BytesReceived') || '?'} received${gwError(d)}).` },
  [`${Provider.Gateway}:304`]: { meaning: (d) => `RD Gateway: the connection of client ${d('IpAddress') || '?'} to its target failed${gwError(d)}.` },
  [`${Provider.Gateway}:312`]: { meaning: (d) => `RD Gateway: connection from client ${d('IpAddress') || '?'} (event 312).` },
  // Client (mstsc) — untested on a real file, see docs/event-logs.md
  [`${Provider.RdpClient}:1024`]: { meaning: (d) => `The client (mstsc) is trying to connect to ${clientValue(d) || 'the server'}.` },
  [`${Provider.RdpClient}:1025`]: { meaning: () => 'The client (mstsc) connected to the server.' },
  [`${Provider.RdpClient}:1026`]: {
    meaning: (d) => {
      const r = clientReason(d);
      return `The client (mstsc) was disconnected, reason ${Number.isNaN(r) ? clientValue(d) || '?' : named(mstscDisconnectReason(r), `${r} = ${hex(r, 0)}`)}.`;
    },
  },
  [`${Provider.RdpClient}:1027`]: { meaning: (d) => `The client connected to a session (session ${d('SessionID') || '?'}).` },
  [`${Provider.RdpClient}:1102`]: { meaning: (d) => `The client started a multi-transport (UDP) connection to ${clientValue(d) || 'the server'}.` },
  [`${Provider.RdpClient}:1105`]: { meaning: () => 'The client\'s multi-transport (UDP) connection ended.' },
  // Schannel (System log)
  [`${Provider.Schannel}:36871`]: { meaning: (d) => `Schannel: a fatal error occurred while creating a TLS credential (often no usable certificate or private key)${d('ErrorState') ? `, error state ${d('ErrorState')}` : ''}.` },
  [`${Provider.Schannel}:36874`]: { meaning: (d) => `Schannel: a TLS ${d('Protocol') ? `${d('Protocol')} ` : ''}connection request was received, but none of the client's cipher suites is supported by the server.` },
  [`${Provider.Schannel}:36888`]: {
    meaning: (d) => {
      const a = num(d('AlertDesc'));
      return `Schannel generated and sent a fatal TLS alert ${Number.isNaN(a) ? d('AlertDesc') || '?' : named(tlsAlert(a), String(a))}${d('ErrorState') ? `, error state ${d('ErrorState')}` : ''}.`;
    },
  },
  // TermDD (System log)
  [`${Provider.TermDd}:50`]: { meaning: (d) => `The RDP protocol component ${d('Data[1]') || '?'} detected an error in the protocol stream and disconnected the client.` },
  [`${Provider.TermDd}:56`]: { meaning: (d) => `The RDP security layer detected an error in the protocol stream and disconnected the client ${d('Data[1]') || '?'}.` },
  // Security
  [`${Provider.Security}:4624`]: {
    relevant: (d) => d('LogonType') === '10' || d('LogonType') === '3',
    meaning: (d) => `Logon succeeded, type ${d('LogonType')} ${LOGON_TYPES[d('LogonType')] ?? ''}, from ${addr(d)}.`.replace('  ', ' '),
  },
  [`${Provider.Security}:4625`]: {
    relevant: (d) => d('LogonType') === '10' || d('LogonType') === '3',
    meaning: (d) => `Logon FAILED, type ${d('LogonType')} ${LOGON_TYPES[d('LogonType')] ?? ''}, from ${addr(d)}: status ${status(d('Status'))}${d('SubStatus') && num(d('SubStatus')) !== 0 ? `, sub-status ${status(d('SubStatus'))}` : ''}.`.replace('  ', ' '),
  },
  [`${Provider.Security}:4771`]: {
    meaning: (d) => {
      const n = num(d('Status'));
      return `Kerberos pre-authentication failed for a request from ${addr(d)}: ${Number.isNaN(n) ? d('Status') : named(kerberosError(n), hex(n, 2))}.`;
    },
  },
  [`${Provider.Security}:4776`]: { meaning: (d) => `The domain controller checked NTLM credentials: ${num(d('Status')) === 0 ? 'accepted' : `status ${status(d('Status'))}`}.` },
  [`${Provider.Security}:4825`]: { meaning: (d) => `A user was denied access to Remote Desktop (not allowed to log on through Remote Desktop Services), client ${d('ClientAddress') || '?'}.` },
  [`${Provider.Security}:4778`]: { meaning: (d) => `A session was reconnected to a window station (client ${d('ClientAddress') || '?'}).` },
  [`${Provider.Security}:4779`]: { meaning: (d) => `A session was disconnected from a window station (client ${d('ClientAddress') || '?'}).` },
};

function addr(d: Data): string {
  const ip = d('IpAddress');
  const port = d('IpPort');
  if (!ip || ip === '-') return 'no network address';
  return port && port !== '-' && port !== '0' ? `${ip} port ${port}` : ip;
}

function gwError(d: Data): string {
  const n = num(d('ErrorCode'));
  if (Number.isNaN(n) || n === 0) return '';
  return `, result ${named(eproxyError(n >>> 0), hex(n))}`;
}

/** The RDPClient events write their value as `Value` (some builds: `Name`/`Reason` or unnamed Data). */
function clientValue(d: Data): string {
  return d('Value') || d('Reason') || d('Data[0]') || d('Name');
}

export function clientReason(d: Data): number {
  for (const k of ['Value', 'Reason', 'Data[0]', 'DisconnectReason']) {
    const n = num(d(k));
    if (!Number.isNaN(n)) return n;
  }
  return NaN;
}

export function accessor(e: EventRecord): Data {
  return (name) => {
    for (const [k, v] of e.data) if (k === name) return v;
    return '';
  };
}

function entry(e: EventRecord): Known | undefined {
  return KNOWN[`${e.provider}:${e.eventId}`];
}

/** Whether the record is in the default (RDP-relevant) selection. */
export function isRdpRelevant(e: EventRecord): boolean {
  const k = entry(e);
  if (!k) return false;
  return k.relevant ? k.relevant(accessor(e)) : true;
}

/** The meaning of a record in words ('' when rdpdiag has none for it). */
export function meaningOf(e: EventRecord): string {
  const k = entry(e);
  return k ? k.meaning(accessor(e)) : '';
}

/**
 * Data fields that hold user, domain or machine account names or user SIDs: redacted in output by
 * default like names from the wire.
 */
export const SENSITIVE_DATA = new Set([
  'TargetUserName', 'TargetDomainName', 'SubjectUserName', 'SubjectDomainName', 'TargetUserSid', 'SubjectUserSid', 'TargetSid',
  'User', 'Username', 'UserName', 'AccountName', 'AccountDomain', 'Workstation', 'WorkstationName', 'TargetOutboundUserName',
  'TargetOutboundDomainName', 'ClientName', 'DomainName', 'Domain', 'Param1', 'Param2', 'TargetLogonGuid', 'LogonGuid',
  'ServiceName', 'TargetServerName', 'TargetInfo',
]);

/** Param1/Param2 are names only in RemoteConnectionManager 1149 (user, domain); elsewhere they are addresses. */
export function isSensitiveData(e: EventRecord, name: string): boolean {
  if (name === 'Param1' || name === 'Param2') return e.provider === Provider.Rcm && e.eventId === 1149;
  if (name === 'Data[0]' || name === 'Data[1]') return false;
  return SENSITIVE_DATA.has(name);
}
