/**
 * A key log still being written: each poll takes the whole lines appended since the last one
 * (a line cut by the writer waits for its end), a file that does not exist yet is not an error,
 * and a file started again from scratch is read again. Lines from a lab key log (real secrets of
 * the lab's xfreerdp sessions).
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KeyLogFollower, Secrets } from '../../../src/session/secrets.js';
import { REPO } from '../../helpers/shared.js';

const LINES = readFileSync(join(REPO, 'captures/lab/credssp-auth-failure-wrongpass.keylog'), 'utf8').trim().split('\n');
const tmp = mkdtempSync(join(tmpdir(), 'rdpdiag-follow-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('KeyLogFollower', () => {
  it('reads appended whole lines only, across polls, and counts them in the secrets summary', () => {
    const path = join(tmp, 'a.keylog');
    const secrets = new Secrets();
    const k = new KeyLogFollower(secrets, path);
    k.poll(); // not there yet
    expect(secrets.size).toBe(0);
    writeFileSync(path, LINES[0] + '\n' + LINES[1]!.slice(0, 40));
    k.poll();
    expect(secrets.sources[0]!.added).toBe(1);
    appendFileSync(path, LINES[1]!.slice(40) + '\n');
    k.poll();
    expect(secrets.sources[0]!.added).toBe(2);
    appendFileSync(path, LINES.slice(2).join('\n') + '\n');
    k.poll();
    k.poll();
    expect(secrets.sources[0]!.added).toBe(LINES.length);
    expect(secrets.sources[0]!.badLines).toBe(0);
    expect(secrets.sources).toHaveLength(1);
  });

  it('a key log written again from the start, shorter or longer, is read again (nothing counted twice)', () => {
    const path = join(tmp, 'b.keylog');
    const secrets = new Secrets();
    const k = new KeyLogFollower(secrets, path);
    writeFileSync(path, LINES.slice(0, 4).join('\n') + '\n');
    k.poll();
    writeFileSync(path, LINES[4] + '\n');
    k.poll();
    expect(secrets.sources[0]!.added).toBe(5);
    // Written again, longer than before: the first lines are stored already, the rest are new.
    writeFileSync(path, LINES.join('\n') + '\n');
    k.poll();
    expect(secrets.sources[0]).toMatchObject({ added: LINES.length, badLines: 0 });
  });

  it('a line too long to be a key log line is passed over to its end, not counted as a bad line', () => {
    const path = join(tmp, 'd.keylog');
    const secrets = new Secrets();
    const k = new KeyLogFollower(secrets, path);
    writeFileSync(path, LINES[0] + '\n' + 'x'.repeat(5000));
    k.poll();
    appendFileSync(path, 'y'.repeat(300) + '\n' + LINES[1] + '\n');
    k.poll();
    expect(secrets.sources[0]).toMatchObject({ added: 2, badLines: 0 });
  });

  it('a bad line is counted, the others kept', () => {
    const path = join(tmp, 'c.keylog');
    const secrets = new Secrets();
    const k = new KeyLogFollower(secrets, path);
    writeFileSync(path, `${LINES[0]}\nCLIENT_RANDOM zz nothex\n${LINES[1]}\n`);
    k.poll();
    expect(secrets.sources[0]).toMatchObject({ added: 2, badLines: 1 });
  });
});
