/**
 * CredSSP next steps agree with the errorCode: SEC_E_UNSUPPORTED_FUNCTION (0x80090302) means the
 * authentication package (NTLM) was refused, so the advice must not start with "check the account";
 * a logon failure (STATUS_LOGON_FAILURE) still does.
 */
import { describe, expect, it } from 'vitest';
import { nextSteps } from '../../../src/findings/next-steps.js';
import type { FindingContext } from '../../../src/findings/context.js';
import type { Finding } from '../../../src/findings/types.js';

const ctx = {} as FindingContext;
const finding = (data: Record<string, unknown>) => ({ id: 'credssp.auth-failure', data }) as unknown as Finding;

describe('credssp next steps', () => {
  it('SEC_E_UNSUPPORTED_FUNCTION: no account check, the NTLM policy step first', () => {
    const steps = nextSteps('credssp-auth-failure', finding({ errorCode: 0x80090302 }), ctx);
    expect(steps.some((s) => /check the account/.test(s))).toBe(false);
    expect(steps[0]).toMatch(/SEC_E_UNSUPPORTED_FUNCTION/);
    expect(steps[0]).toMatch(/Restrict NTLM/);
    expect(steps.join(' ')).not.toMatch(/UNVERIFIED/);
  });
  it('a logon failure still points at the account', () => {
    const steps = nextSteps('credssp-auth-failure', finding({ errorCode: 0xc000006d, ntstatusName: 'STATUS_LOGON_FAILURE' }), ctx);
    expect(steps[0]).toMatch(/check the account/);
    expect(steps.some((s) => /Restrict NTLM/.test(s))).toBe(false);
  });
});
