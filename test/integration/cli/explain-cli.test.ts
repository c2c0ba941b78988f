/**
 * `rdpdiag explain` on the command line: SSPI HRESULTs have their own table (they are not NTSTATUS
 * values), and an unknown code is reported on stderr with exit 2 and nothing on stdout.
 * Expected names are those of Microsoft Learn, "COM Error Codes (Security and Setup)".
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../../bin/rdpdiag', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, 'explain', ...args], { encoding: 'utf8' });

describe('rdpdiag explain', () => {
  it.each([
    ['0x80090322', 'SEC_E_WRONG_PRINCIPAL'],
    ['0x80090302', 'SEC_E_UNSUPPORTED_FUNCTION'],
    ['0x8009030C', 'SEC_E_LOGON_DENIED'],
    ['0x80090324', 'SEC_E_TIME_SKEW'],
  ])('%s is an SSPI status %s, not an NTSTATUS', (code, name) => {
    const r = run(code);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^SSPI status[^\\n]*: ${code.toLowerCase().replace('0x', '0x')}`, 'im'));
    expect(r.stdout).toContain(name);
    expect(r.stdout).not.toMatch(/^NTSTATUS:/m);
  });

  it('an unknown code goes to stderr with exit 2, naming the tables searched', () => {
    const r = run('0x1234567');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/no table knows '0x1234567'/);
    expect(r.stderr).toMatch(/NTSTATUS/);
    expect(r.stderr).toMatch(/SSPI status/);
  });

  it('sources are not repeated in the 0x904 note', () => {
    const r = run('0x904');
    expect(r.status).toBe(0);
    expect(r.stdout).not.toMatch(/docs\/findings, docs\/findings/);
  });
});
