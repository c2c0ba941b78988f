/** Protocol-level rules (RDP negotiation, TLS, CredSSP, Kerberos, RD Gateway, server refusals, RDP-UDP). */
import { rule as rdpServerRequiresTls } from './rdp-server-requires-tls.js';
import type { Rule } from '../rule.js';
import { rule as credsspEarlyUserAuthDenied } from './credssp-early-user-auth-denied.js';
import { rule as credsspError } from './credssp-error.js';
import { rule as credsspInferredFailure } from './credssp-inferred-failure.js';
import { rule as credsspVersionBlock } from './credssp-version-block.js';
import { rule as gatewayHttpAuthFailed } from './gateway-http-auth-failed.js';
import { rule as gatewayHttpError } from './gateway-http-error.js';
import { rule as gatewayKeylessOutcome } from './gateway-keyless-outcome.js';
import { rule as gatewayInnerOutcome } from './gateway-inner-outcome.js';
import { rule as gatewayResetAfterRequest } from './gateway-reset-after-request.js';
import { rule as gatewayStatus } from './gateway-status.js';
import { rule as gatewayUnreachable } from './gateway-unreachable.js';
import { rule as healthySessionActive } from './healthy-session-active.js';
import { rule as kerberosClockSkew } from './kerberos-clock-skew.js';
import { rule as kerberosError } from './kerberos-error.js';
import { rule as rdpNegotiationFailure } from './rdp-negotiation-failure.js';
import { rule as rdpSecurityMismatch } from './rdp-security-mismatch.js';
import { rule as rdpX224NoConfirm } from './rdp-x224-no-confirm.js';
import { rule as rdpudpFailed } from './rdpudp-failed.js';
import { rule as scanActivity } from './scan-activity.js';
import { rule as serverClosedWithoutReason } from './server-closed-without-reason.js';
import { rule as serverDpu } from './server-dpu.js';
import { rule as serverLicensingError } from './server-licensing-error.js';
import { rule as serverLogonError } from './server-logon-error.js';
import { rule as serverRefusalSignature } from './server-refusal-signature.js';
import { rule as serverSessionEnd } from './server-session-end.js';
import { rule as serverSetErrorInfo } from './server-set-error-info.js';
import { rule as tlsAlert } from './tls-alert.js';
import { rule as tlsCertificateProblem } from './tls-certificate-problem.js';
import { rule as tlsServerClosedAfterClientHello } from './tls-server-closed-after-clienthello.js';
import { rule as tlsVersionMismatch } from './tls-version-mismatch.js';

export const protocolRules: Rule[] = [
  rdpServerRequiresTls,
  rdpNegotiationFailure,
  rdpSecurityMismatch,
  rdpX224NoConfirm,
  tlsVersionMismatch,
  tlsAlert,
  tlsServerClosedAfterClientHello,
  tlsCertificateProblem,
  credsspError,
  credsspEarlyUserAuthDenied,
  credsspInferredFailure,
  credsspVersionBlock,
  kerberosClockSkew,
  kerberosError,
  gatewayUnreachable,
  gatewayHttpAuthFailed,
  gatewayHttpError,
  gatewayResetAfterRequest,
  gatewayKeylessOutcome,
  gatewayStatus,
  gatewayInnerOutcome,
  serverSetErrorInfo,
  serverDpu,
  serverRefusalSignature,
  serverLicensingError,
  serverLogonError,
  serverClosedWithoutReason,
  serverSessionEnd,
  rdpudpFailed,
  scanActivity,
  healthySessionActive,
];
