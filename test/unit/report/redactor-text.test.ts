/**
 * Redactor.text: a remembered name is replaced wherever it stands as a whole token, whatever its
 * case, the longest remembered value first, and never inside a longer word.
 */
import { describe, expect, it } from 'vitest';
import { Redactor, redactValue } from '../../../src/report/redact.js';

describe('Redactor.text', () => {
  const r = new Redactor();
  const user = r.value('labuser', 'cookie');
  const realm = r.value('LAB.TEST', 'crealm');
  const principal = r.value('labuser@LAB.TEST', 'cname');

  it('replaces whole tokens, case-insensitively', () => {
    expect(r.text('KRB-ERROR for LabUser in realm lab.test')).toBe(`KRB-ERROR for ${user} in realm ${realm}`);
  });
  it('prefers the longest value at a position', () => {
    expect(r.text('client labuser@lab.test refused')).toBe(`client ${principal} refused`);
  });
  it('leaves longer words that contain a name alone', () => {
    expect(r.text('labusers and xlabuser and labuser_2')).toBe('labusers and xlabuser and labuser_2');
  });
  it('tags are those of the fields', () => {
    expect(user).toBe(redactValue('labuser'));
  });
  it('many names, one remembered per connection as a spray gives them, are all found', () => {
    const spray = new Redactor();
    for (let i = 0; i < 5000; i++) spray.value(`user${i}`, 'cookie');
    expect(spray.text('attempts by user17, USER4999 and user5000')).toBe(`attempts by ${redactValue('user17')}, ${redactValue('user4999')} and user5000`);
  });
  it('an address in a name field is not a name: it stays in text (and in Wireshark filters)', () => {
    const spn = new Redactor();
    spn.value('TERMSRV/10.77.2.2', 'sname');
    spn.value('TERMSRV/rdp-host.lab.test', 'sname');
    spn.value('fd77:1::2', 'hostname');
    expect(spn.text('ip.addr==10.77.2.2 && ipv6.addr==fd77:1::2 to rdp-host.lab.test')).toBe(`ip.addr==10.77.2.2 && ipv6.addr==fd77:1::2 to ${redactValue('rdp-host.lab.test')}`);
  });
});
