/**
 * `rdpdiag events` end to end (the built CLI) over real public logs: the default selection, the
 * meaning and named codes of a real 4625 (Status/SubStatus as python-evtx read them from the same
 * file), redaction, --all, JSON shape, and a clear error for a file that is not an event log.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from '../../helpers/shared.js';
import { EVTX_CORPUS, HAVE_EVTX_CORPUS, readBaseline } from '../../helpers/evtx-corpus.js';

const BIN = join(REPO, 'bin', 'rdpdiag');
const HAVE_DIST = existsSync(join(REPO, 'dist', 'cli', 'events-command.js'));
const tmp = mkdtempSync(join(tmpdir(), 'rdpdiag-events-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const SHORT = join(EVTX_CORPUS, 'omerbenamram__evtx/samples/Security_short_selected.evtx');
const LSM = join(EVTX_CORPUS, 'Velocidex__velociraptor/artifacts/testdata/files/RDPAuth_LocalSessionManager.evtx');

describe.skipIf(!HAVE_EVTX_CORPUS || !HAVE_DIST)('rdpdiag events', () => {
  it('selects the RDP-relevant records and names the codes of a real 4625', () => {
    const base = readBaseline(SHORT);
    const b4625 = base.find((b) => b.eventId === 4625)!;
    const status = Object.fromEntries(b4625.data);
    expect(status['LogonType']).toBe('10');
    const r = run('events', '--format', 'json', SHORT);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { records: { recordId: number; eventId: number; data: Record<string, string>; meaning: string }[]; recordsRead: number };
    expect(j.recordsRead).toBe(base.length);
    // 4776 and 4625 are selected; 5152/4611/5157/4673 are not.
    expect(j.records.map((x) => x.eventId)).toEqual([4776, 4625]);
    const rec = j.records[1]!;
    expect(rec.recordId).toBe(b4625.recordId);
    expect(rec.data['Status']).toBe(status['Status']);
    expect(rec.meaning).toContain(`${status['Status']!.toUpperCase().replace('0X', '0x')} STATUS_LOGON_FAILURE`);
    expect(rec.meaning).toContain(`${status['SubStatus']!.toUpperCase().replace('0X', '0x')} STATUS_WRONG_PASSWORD`);
    expect(rec.meaning).toContain(`${status['IpAddress']} port ${status['IpPort']}`);
    // Names redacted by default, shown with --no-redact.
    expect(rec.data['TargetUserName']).toMatch(/^‹redacted:[0-9a-f]{6}›$/);
    expect(r.stdout).not.toContain(status['TargetUserName']);
    const open = JSON.parse(run('events', '--format', 'json', '--no-redact', SHORT).stdout) as typeof j;
    expect(open.records[1]!.data['TargetUserName']).toBe(status['TargetUserName']);
  });

  it('--all shows every record; text names LocalSessionManager reason codes', () => {
    const all = JSON.parse(run('events', '--format', 'json', '--all', SHORT).stdout) as { records: unknown[] };
    expect(all.records).toHaveLength(readBaseline(SHORT).length);
    const base = readBaseline(LSM).find((b) => b.eventId === 40)!;
    const reason = Object.fromEntries(base.data)['Reason'];
    expect(reason).toBe('5');
    const t = run('events', LSM);
    expect(t.code).toBe(0);
    expect(t.stdout).toContain('reason 5 ERRINFO_DISCONNECTED_BY_OTHER_CONNECTION');
  });

  it('a file that is not an event log: exit 3 and a message naming it', () => {
    const p = join(tmp, 'notes.txt');
    writeFileSync(p, 'hello');
    const r = run('events', p);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('notes.txt: neither an .evtx event log nor event XML');
  });
});
