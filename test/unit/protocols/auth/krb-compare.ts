/** Compares our Kerberos events with tshark's per-frame summaries (test helper, not a test). */
import type { KrbEvent } from '../../../../src/protocols/kerberos/events.js';
import type { TsharkKrb } from './oracle.js';

type Field = keyof TsharkKrb;
const TYPE_OF: Record<string, number> = {
  'krb.as_req': 10,
  'krb.as_rep': 11,
  'krb.tgs_req': 12,
  'krb.tgs_rep': 13,
  'krb.ap_req': 14,
  'krb.ap_rep': 15,
  'krb.error': 30,
};

/** Our event in tshark's vocabulary. */
export function ours(e: KrbEvent): Partial<TsharkKrb> {
  const r: Partial<TsharkKrb> = { msgType: TYPE_OF[e.type] ?? -1 };
  switch (e.type) {
    case 'krb.error':
      Object.assign(r, { errorCode: e.errorCode, stime: e.stime, susec: e.susec, realm: e.realm, crealm: e.crealm, cname: e.cname, sname: e.sname, eText: e.eText });
      if (e.ctime !== undefined) r.ctime = e.ctime;
      break;
    case 'krb.as_req':
    case 'krb.tgs_req':
      Object.assign(r, { padataTypes: e.padataTypes, realm: e.realm, cname: e.cname, sname: e.sname, nonce: e.nonce, kdcOptions: e.kdcOptions, till: e.till, etypes: e.etypes });
      break;
    case 'krb.as_rep':
    case 'krb.tgs_rep':
      Object.assign(r, { padataTypes: e.padataTypes, crealm: e.crealm, cname: e.cname, ticketRealm: e.ticketRealm, ticketSname: e.ticketSname, encEtype: e.etype });
      break;
    case 'krb.ap_req':
      Object.assign(r, { ticketRealm: e.realm, ticketSname: e.ticketSname });
      break;
    default:
      break;
  }
  return r;
}

export interface Agreement {
  messages: number;
  fieldsCompared: number;
  rejectedByBoth: number;
  mismatches: string[];
}

export function compare(label: string, theirs: Map<number, TsharkKrb[]>, mine: Map<number, KrbEvent[]>, acc: Agreement): void {
  for (const [frame, list] of theirs) {
    const got = mine.get(frame) ?? [];
    list.forEach((t, i) => {
      acc.messages++;
      const g = got[i];
      if (Number.isNaN(t.msgType)) {
        // tshark flags the message as malformed (no msg-type): we must reject it too.
        if (g) acc.mismatches.push(`${label} frame ${frame} #${i}: tshark malformed, ours ${g.type}`);
        else acc.rejectedByBoth++;
        return;
      }
      if (!g) {
        acc.mismatches.push(`${label} frame ${frame} #${i}: tshark msg ${t.msgType}, ours missing`);
        return;
      }
      const o = ours(g);
      for (const k of Object.keys(t) as Field[]) {
        if (t[k] === undefined) continue;
        acc.fieldsCompared++;
        const a = JSON.stringify(t[k]);
        const b = JSON.stringify(o[k]);
        if (a !== b) acc.mismatches.push(`${label} frame ${frame} #${i} ${k}: tshark ${a} ours ${b}`);
      }
    });
  }
}

