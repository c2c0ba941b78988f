/**
 * Option values that cannot mean what the option says (issue 13 item 9): each is refused
 * before the analysis with a message on standard error naming the option and the value, and
 * exit 2 (src/cli/exit-codes.ts), while the forms the options document keep working. Spawns the
 * built CLI on a small lab capture whose staged scenario is a failed negotiation (exit 1).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HAVE_DIST, runCli } from '../../helpers/cli.js';
import { REPO } from '../../helpers/shared.js';
/** captures/MANIFEST.md: xfreerdp /sec:rdp against an xrdp that requires TLS; client 10.77.1.2, server 10.77.2.2. */
const CAPTURE = join(REPO, 'captures', 'lab', 'rdp-negotiation-failure-tlsonly-client.pcapng');

const run = (args: string[]) => runCli(args);

describe.skipIf(!HAVE_DIST)('analyze: option values that cannot be used are refused', () => {
  const refused: [string, string, RegExp][] = [
    ['--failed-at', '', /--failed-at: the value is empty/],
    ['--failed-at', '   ', /--failed-at: the value is empty/],
    // Date.parse alone reads this as 1 February 2001.
    ['--failed-at', 'garbage 2', /--failed-at: cannot read 'garbage 2' as a time/],
    ['--failed-at', 'yesterday', /--failed-at: cannot read 'yesterday' as a time/],
    ['--tz', '+9999999999', /--tz: '\+9999999999' is outside the offsets in use/],
    ['--tz', '+14:01', /--tz: '\+14:01' is outside/],
    ['--tz', '+01:75', /--tz: '\+01:75' is not an offset/],
    ['--tz', 'Mars', /--tz: 'Mars' is not an offset/],
    ['--client', 'not-an-ip', /--client: 'not-an-ip' is not an IP address/],
    ['--client', '999.1.1.1', /--client: '999.1.1.1' is not an IP address/],
    ['--server', 'not/a host', /--server: 'not\/a host' is neither an IP address nor a host name/],
    ['--server', '10.77.2', /--server: '10.77.2' is not an IP address/],
    ['--server', '300.1.1.1', /--server: '300.1.1.1' is not an IP address/],
  ];
  for (const [option, value, message] of refused) {
    it(`${option} '${value}': exit 2, the option and value named, no report`, async () => {
      const extra = option === '--tz' ? ['--failed-at', '2026-11-24 04:38:25'] : [];
      const r = await run(['analyze', CAPTURE, option, value, ...extra]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(r.stdout).toBe('');
    });
  }

  const accepted: [string, string][] = [
    ['--failed-at', '2026-11-24 04:38:25'],
    ['--failed-at', '2026-11-24T04:38:25.6Z'],
    ['--failed-at', '11/24/2026 4:38:25 AM'],
    ['--failed-at', '1795926305'],
    ['--client', '10.77.1.2'],
    ['--client', '10.77.1.2:40000'],
    ['--client', '[2001:db8::1]:3389'],
    ['--server', '10.77.2.2'],
    ['--server', '10.77.2.2:3389'],
    ['--server', 'rdp.example.test'],
  ];
  for (const [option, value] of accepted) {
    it(`${option} '${value}' is still accepted (the verdict's exit code 1)`, async () => {
      const r = await run(['analyze', CAPTURE, option, value, '--format', 'json']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout).verdict.cause).toBe('rdp-negotiation-failure');
    });
  }

  it('--tz +05:30 and -300 shift a --failed-at without zone by that many minutes', async () => {
    const a = JSON.parse((await run(['analyze', CAPTURE, '--failed-at', '2026-11-24 10:08:25', '--tz', '+05:30', '-f', 'json'])).stdout);
    const b = JSON.parse((await run(['analyze', CAPTURE, '--failed-at', '2026-11-23 23:38:25', '--tz', '-300', '-f', 'json'])).stdout);
    expect(a.verdict.failureMoment).toEqual({ at: '2026-11-24T04:38:25.000000Z', source: 'failed-at' });
    expect(b.verdict.failureMoment).toEqual(a.verdict.failureMoment);
  });
});
