/**
 * HTTP/1.1 framing. Fixtures are hand-built from RFC 9112 and from the RD Gateway
 * request/response layout of MS-TSGU 3.3.5.1 / FreeRDP (headers as seen in the awakecoding
 * captures, tokens shortened); real messages are checked against tshark in corpus.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { HttpParser, MAX_HTTP_HEAD, headerValue, type HttpHead, type HttpBodyMode } from '../../../../src/protocols/rdg/http.js';
import { wwwAuthenticateChallenges, splitTarget, authorizationScheme, transportKind } from '../../../../src/protocols/rdg/rdg-headers.js';

const enc = (s: string) => Buffer.from(s, 'latin1');

function run(parts: Uint8Array[], override?: (h: HttpHead) => HttpBodyMode | void) {
  const log: string[] = [];
  const p = new HttpParser({
    onHead: (h, info) => {
      log.push(`head ${h.kind} ${h.method}${h.status || ''} ${h.target} ${h.version} [${h.headers.map((x) => x.join('=')).join('|')}] ${h.firstFrame}/${info.frame}`);
      return override?.(h);
    },
    onBody: (d) => {
      const last = log.at(-1);
      if (last?.startsWith('body ')) log[log.length - 1] = last + Buffer.from(d).toString('latin1');
      else log.push('body ' + Buffer.from(d).toString('latin1'));
    },
    onMessageEnd: () => log.push('end'),
    onError: (o, m) => log.push(`error ${o} ${m}`),
  });
  let f = 1;
  for (const x of parts) p.push(x, { frame: f++, ts: 0 });
  return { log, p };
}

const REQ_IN_CHUNKED =
  'RDG_IN_DATA /remoteDesktopGateway/ HTTP/1.1\r\nHost: gw.example\r\nRDG-Connection-Id: {AB}\r\nTransfer-Encoding: chunked\r\n\r\n' +
  'e\r\n0123456789abcd\r\n3;ext=1\r\nxyz\r\n0\r\nX-Trailer: 1\r\n\r\n';
const RESP_401 =
  'HTTP/1.1 401 Unauthorized\r\nContent-Type: text/html\r\nWWW-Authenticate: Negotiate\r\nWWW-Authenticate: NTLM\r\n' +
  'WWW-Authenticate: Digest qop="auth",algorithm=MD5-sess,realm="a,b"\r\nWWW-Authenticate: Basic realm="x"\r\nContent-Length: 5\r\n\r\nhello';

describe('HttpParser', () => {
  it('chunked request body with extension and trailer', () => {
    const { log } = run([enc(REQ_IN_CHUNKED)]);
    expect(log).toEqual([
      'head request RDG_IN_DATA /remoteDesktopGateway/ HTTP/1.1 [host=gw.example|rdg-connection-id={AB}|transfer-encoding=chunked] 1/1',
      'body 0123456789abcdxyz',
      'end',
    ]);
  });
  it('Content-Length body, two messages back to back, 100 Continue, 204, obs-fold', () => {
    const s = 'HTTP/1.1 100 Continue\r\n\r\n' + RESP_401 + 'HTTP/1.1 204 No Content\r\nX-A: a\r\n  b\r\n\r\n';
    const { log } = run([enc(s)]);
    expect(log.filter((l) => l.startsWith('head')).map((l) => l.split(' ').slice(0, 3).join(' '))).toEqual([
      'head response 100',
      'head response 401',
      'head response 204',
    ]);
    expect(log).toContain('body hello');
    expect(log.at(-2)).toContain('x-a=a b');
  });
  it('a response without length runs to the end of the stream (raw)', () => {
    const r = run([enc('HTTP/1.1 200 OK\r\n\r\nabc'), enc('def')]);
    expect(r.log.slice(1)).toEqual(['body abcdef']);
    r.p.end({ frame: 9, ts: 0 });
  });
  it('split invariance at every offset and byte by byte', () => {
    const s = enc(REQ_IN_CHUNKED + REQ_IN_CHUNKED);
    const norm = (l: string[]) => l.map((x) => x.replace(/ \d+\/\d+$/, ''));
    const whole = norm(run([s]).log);
    for (let cut = 0; cut <= s.length; cut++) expect(norm(run([s.subarray(0, cut), s.subarray(cut)]).log)).toEqual(whole);
    expect(norm(run([...s].map((b) => Uint8Array.of(b))).log)).toEqual(whole);
  });
  it('firstFrame / frame of a head spread over frames', () => {
    const s = enc('GET / HTTP/1.1\r\nA: b\r\n\r\n');
    expect(run([s.subarray(0, 5), s.subarray(5, 10), s.subarray(10)]).log[0]).toMatch(/ 1\/3$/);
  });
  it('every prefix of a request: no throw, no head before it is complete, error only at end()', () => {
    const s = enc(REQ_IN_CHUNKED);
    const headEnd = REQ_IN_CHUNKED.indexOf('\r\n\r\n') + 4;
    for (let n = 0; n < s.length; n++) {
      const r = run([s.subarray(0, n)]);
      expect(r.log.some((l) => l.startsWith('error'))).toBe(false);
      expect(r.log.some((l) => l.startsWith('head'))).toBe(n >= headEnd);
      expect(r.log.includes('end')).toBe(false);
      const errs: string[] = [];
      if (n > 0) {
        const p = new HttpParser({ onHead: () => {}, onBody: () => {}, onMessageEnd: () => {}, onError: (_o, m) => errs.push(m) });
        p.push(s.subarray(0, n), { frame: 1, ts: 0 });
        p.end({ frame: 2, ts: 0 });
        expect(errs).toHaveLength(1);
      }
    }
  });
  it('malformed input: binary data, bad start line, bad header, bad chunk size, head too long', () => {
    expect(run([Uint8Array.of(0x16, 0x03, 0x03, 0x00)]).log[0]).toMatch(/^error 0 byte 0x16/);
    expect(run([enc('HELLO\r\n\r\n')]).log[0]).toMatch(/start line/);
    expect(run([enc('GET / HTTP/1.1\r\nno colon\r\n\r\n')]).log[0]).toMatch(/header line/);
    expect(run([enc('POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')]).log.at(-1)).toMatch(/chunk size/);
    expect(run([enc('POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n')]).log.at(-1)).toMatch(/Content-Length/);
    const huge = enc('GET / HTTP/1.1\r\nX: ' + 'a'.repeat(MAX_HTTP_HEAD) + '\r\n\r\n');
    const r = run([huge]);
    expect(r.log).toHaveLength(1);
    expect(r.log[0]).toMatch(/longer than/);
    // stays stopped
    expect(r.p.failed).toBe(true);
  });
  it('override to raw after a head (upgrade)', () => {
    const r = run([enc('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x82\x00GET')], () => 'raw');
    expect(r.log[1]).toBe('body \x82\x00GET');
  });
});

describe('header helpers', () => {
  const head = (lines: string[]): HttpHead => ({
    kind: 'response',
    method: '',
    target: '',
    version: 'HTTP/1.1',
    status: 401,
    reason: '',
    headers: lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()] as const),
    offset: 0,
    firstFrame: 1,
  });
  it('WWW-Authenticate: scheme names only, token presence, params not taken for schemes', () => {
    const h = head([
      'WWW-Authenticate: Negotiate TlRMTVNTUAACAAAA==',
      'WWW-Authenticate: NTLM',
      'WWW-Authenticate: Digest qop="auth",algorithm=MD5-sess,nonce="+Upgraded+v1,x",charset=utf-8,realm="Digest"',
      'WWW-Authenticate: Basic realm="gw", Bearer',
    ]);
    expect(wwwAuthenticateChallenges(h)).toEqual([
      { scheme: 'Negotiate', hasToken: true },
      { scheme: 'NTLM', hasToken: false },
      { scheme: 'Digest', hasToken: true },
      { scheme: 'Basic', hasToken: true },
      { scheme: 'Bearer', hasToken: false },
    ]);
    expect(headerValue(h, 'www-authenticate')).toContain('Negotiate');
  });
  it('targets, Authorization scheme, transport kind', () => {
    expect(splitTarget('/rpc/rpcproxy.dll?localhost:3388')).toEqual({ path: '/rpc/rpcproxy.dll', query: 'localhost:3388' });
    expect(splitTarget('https://gw/remoteDesktopGateway/')).toEqual({ path: '/remoteDesktopGateway/' });
    expect(authorizationScheme('Negotiate YIIH')).toBe('Negotiate');
    expect(authorizationScheme(undefined)).toBeUndefined();
    expect(transportKind('RPC_IN_DATA', '/rpc/rpcproxy.dll', undefined)).toBe('rpc-over-http');
    expect(transportKind('RDG_OUT_DATA', '/remoteDesktopGateway/', undefined)).toBe('rdg-http');
    expect(transportKind('POST', '/KdcProxy', 'application/kerberos')).toBe('kdc-proxy');
  });
});
