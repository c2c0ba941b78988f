/**
 * Personal data is redacted by default: user names, mstshash cookies, client host names, NTLM
 * domain/user/workstation and Kerberos principals never appear in the JSON or text report
 * unless --no-redact is given. The raw values are read with redaction off, then searched for
 * in the default output.
 */
import { describe, expect, it } from 'vitest';
import { analyzeFiles } from '../../../src/analyze.js';
import { renderText } from '../../../src/report/terminal.js';
import { corpusPath, HAVE_CORPUS } from '../../helpers/shared.js';

const AWAKE = 'awakecoding__wireshark-rdp/captures/';
const FILES = [`${AWAKE}rdp-nla-ntlm-rejected1.pcapng`, `${AWAKE}rdp-nla-kerberos-auth1.pcapng`, `${AWAKE}rdp-rdg-no-kdc-proxy-ntlm-downgrade-failure.pcapng`];

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Keys whose values must be redacted wherever they appear. */
const REDACTED_KEYS = new Set(['cookie', 'userName', 'domainName', 'workstation', 'clientName', 'cname', 'sname', 'realm', 'crealm', 'ticketSname', 'tgsTicketSname', 'spn']);

function fieldValues(r: Any, keys: Set<string>): { key: string; value: unknown }[] {
  const out: { key: string; value: unknown }[] = [];
  const walk = (x: unknown, k?: string) => {
    if (Array.isArray(x)) x.forEach((v) => walk(v, k));
    else if (x && typeof x === 'object') for (const [kk, v] of Object.entries(x)) walk(v, kk);
    else if (k && keys.has(k) && typeof x === 'string') out.push({ key: k, value: x });
  };
  walk(r);
  return out;
}

/** Values that name a person or an account (searched as substrings anywhere in the output). */
function sensitiveValues(r: Any): string[] {
  const out = new Set<string>();
  const keys = new Set(['cookie', 'userName', 'workstation', 'clientName', 'cname']);
  const walk = (x: unknown, k?: string) => {
    if (typeof x === 'string' && k && keys.has(k) && x.length >= 3) out.add(x);
    else if (Array.isArray(x)) x.forEach((v) => walk(v, k));
    else if (x && typeof x === 'object') for (const [kk, v] of Object.entries(x)) walk(v, kk);
  };
  walk(r.connections);
  return [...out];
}

describe.skipIf(!HAVE_CORPUS)('redaction by default', () => {
  for (const f of FILES) {
    it(`${f}: no user/cookie/principal value in the default JSON or text`, async () => {
      const raw = await analyzeFiles([corpusPath(f)], { redact: false });
      const secrets = sensitiveValues(raw);
      expect(secrets.length).toBeGreaterThan(0); // the capture does carry names
      const red = await analyzeFiles([corpusPath(f)]);
      const json = JSON.stringify(red);
      const text = renderText(red, { all: true });
      for (const { key, value } of fieldValues(red, REDACTED_KEYS)) {
        if (value !== '') expect(String(value).startsWith('‹redacted:'), `${key} = ${String(value)} not redacted`).toBe(true);
      }
      for (const s of secrets) {
        expect(json.includes(s), `"${s}" leaked into the JSON`).toBe(false);
        expect(text.includes(s), `"${s}" leaked into the text`).toBe(false);
      }
    });
  }
});
