/** Every code table in src/codes, in the order explain() ranks them for a bare number. */
import { dpuReasonTable } from './dpu-reason.js';
import { eproxyTable } from './eproxy.js';
import { errinfoTable } from './errinfo.js';
import { extendedDisconnectTable } from './extended-disconnect.js';
import { freerdpErrconnectTable } from './freerdp-errconnect.js';
import { icmpv4CodeTable, icmpv4TypeTable, icmpv6CodeTable, icmpv6TypeTable } from './icmp.js';
import { kerberosErrorTable } from './kerberos-errors.js';
import { licensingErrorTable, licensingMessageTypeTable, licensingStateTable } from './licensing.js';
import { logonErrorTable } from './logon-error.js';
import { mstscDisconnectTable } from './mstsc-disconnect.js';
import { ntstatusTable } from './ntstatus.js';
import { sspiTable } from './sspi.js';
import { rdpNegFailureTable } from './rdp-neg-failure.js';
import { rdpProtocolTable } from './rdp-protocols.js';
import type { CodeTable } from './table.js';
import { tlsAlertTable } from './tls-alerts.js';
import { tlsCipherSuiteTable } from './tls-cipher-suites.js';
import { tlsVersionTable } from './tls-versions.js';

export const ALL_TABLES: readonly CodeTable[] = [
  mstscDisconnectTable,
  extendedDisconnectTable,
  errinfoTable,
  ntstatusTable,
  sspiTable,
  eproxyTable,
  freerdpErrconnectTable,
  rdpNegFailureTable,
  kerberosErrorTable,
  tlsAlertTable,
  logonErrorTable,
  licensingErrorTable,
  dpuReasonTable,
  tlsVersionTable,
  tlsCipherSuiteTable,
  rdpProtocolTable,
  licensingMessageTypeTable,
  licensingStateTable,
  icmpv4TypeTable,
  icmpv4CodeTable,
  icmpv6TypeTable,
  icmpv6CodeTable,
];
