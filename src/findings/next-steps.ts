/**
 * Next steps drawn from the evidence: which device, which setting, which value. Each step
 * names what to check and why this capture points there; generic checklists are avoided.
 */
import { hintAddress, type FindingContext } from './context.js';
import type { Finding, RootCause } from './types.js';
import { tlsVersionName } from '../codes/tls-versions.js';
import { formatDuration } from '../core/time.js';

function hopsText(h: number | null): string {
  if (h === null) return 'A device in the path';
  if (h === 0) return 'A device right next to the capture point (the first router on the path, or a firewall on this segment)';
  return `A device about ${h} hop${h === 1 ? '' : 's'} from the capture point`;
}

const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);
const str = (x: unknown): string | null => (typeof x === 'string' && x !== '' ? x : null);

export function nextSteps(cause: RootCause, f: Finding | null, ctx: FindingContext): string[] {
  const d = f?.data ?? {};
  const server = str(d['server']) ?? null;
  const port = num(d['port']) ?? 3389;
  switch (cause) {
    case 'tcp-connect-timeout':
      return [
        `From the client, test reachability of ${server ?? 'the server'}:${port} (Test-NetConnection ${server ?? '<server>'} -Port ${port}); the SYNs left this capture point and nothing came back.`,
        `Check firewalls between client and server for a DROP rule on TCP ${port} (Windows Defender Firewall "Remote Desktop - User Mode (TCP-In)" on the server, network ACLs, cloud security groups).`,
        'Confirm the name resolves to the right address and the host is up (a wrong DNS record looks exactly like this).',
        'If possible capture on the server at the same time: if the SYNs arrive there and are not answered, the host firewall drops them; if they never arrive, a device in the path does.',
      ];
    case 'tcp-connect-refused':
      return d['forged']
        ? [
            `The reset's TTL says it did not come from ${server ?? 'the server'} itself (${num(d['hopsAway']) ?? '?'} hops away): look for a firewall/IPS rejecting TCP ${port} with resets on that hop.`,
            'Compare with a capture on the server side to confirm the SYN never reaches it.',
          ]
        : [
            `On ${server ?? 'the server'}: check that Remote Desktop is enabled and the "Remote Desktop Services" (TermService) service is running.`,
            `Check the listening port: Get-ItemProperty 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp' -Name PortNumber (the client used ${port}); netstat -ano | findstr :${port}.`,
            'If a port forward or load balancer sits in front, check that it points at a live RDP listener.',
          ];
    case 'icmp-unreachable':
      return [
        `The router ${str(d['reporter']) ?? ''} reported "${str(d['codeName']) ?? 'unreachable'}": check its routing table / ACLs for ${server ?? 'the destination'}.`,
        'Administratively-prohibited codes (9, 10, 13) mean a filter rule rejects the traffic on that device; net/host unreachable mean a routing or ARP/ND problem there.',
      ];
    case 'middlebox-reset':
      return [
        `${hopsText(num(d['hopsAway']))} forged the reset (its TTL/timing differ from the server's own packets). Look for an IPS/next-generation firewall, proxy or load balancer inspecting RDP (X.224 cookie, TLS SNI) on that path and check its logs for this connection.`,
        'Capture on the server at the same time: if the server never sent this RST (or keeps retransmitting after it), the path device is confirmed.',
      ];
    case 'server-reset':
      return [
        `The server's own stack (TTL consistent with its SYN-ACK) reset the connection at the ${str(d['phase']) ?? 'point shown'}: check the server's System and TerminalServices event logs at ${str(d['atText']) ?? 'that time'}.`,
        'Resets right after the TLS ClientHello usually mean Schannel refused the handshake (disabled protocols/ciphers, unusable RDP certificate); look for Schannel errors in the System log (event ids UNVERIFIED).',
      ];
    case 'rdp-negotiation-failure':
      return negotiationSteps(num(d['failureCode']));
    case 'tls-version-mismatch':
      return [
        tlsVersionAdvice(Array.isArray(d['offeredVersions']) ? (d['offeredVersions'] as unknown[]).filter((x): x is number => typeof x === 'number') : []),
        'For FreeRDP clients: /tls-seclevel and /tls:… options (or OpenSSL MinProtocol) control the versions offered.',
      ];
    case 'tls-handshake-failure':
      return [
        `The TLS handshake failed${str(d['alertName']) ? ` with alert ${str(d['alertName'])} from the ${str(d['from']) ?? 'peer'}` : ''}: compare the client's offered cipher suites with the server's policy (Group Policy "SSL Cipher Suite Order", IIS Crypto) and check the RDP listener certificate (certlm.msc → Remote Desktop; private key present and readable by NETWORK SERVICE).`,
        'On Windows servers look at the System log for Schannel errors at the time of the failure.',
      ];
    case 'mtu-blackhole': {
      const mtu = num(d['recommendedMtu']);
      const mss = num(d['recommendedMss']);
      return [
        `Large packets (${num(d['lostSize']) ?? 'full-size'} bytes) never arrive while small ones pass, and no ICMP "fragmentation needed" is seen: a link in the path has a smaller MTU and ICMP is filtered.`,
        mtu
          ? `Workaround: lower the client's MTU to ${mtu} (netsh interface ipv4 set subinterface "<interface>" mtu=${mtu} store=persistent) or clamp TCP MSS to ${mss ?? mtu - 40} on the VPN/tunnel device.`
          : 'Workaround: lower the client MTU (e.g. 1400) or clamp TCP MSS on the VPN/tunnel device.',
        'Fix: allow ICMP type 3 code 4 (IPv6: type 2) through the firewalls on the path so path MTU discovery works.',
      ];
    }
    case 'ip-fragment-loss':
      return [
        'Fragments of large datagrams were lost in the path (non-first fragments dropped by a firewall/NAT, or an MTU mismatch on a tunnel).',
        'For Kerberos over UDP: force Kerberos over TCP on the clients (MaxPacketSize=1 under HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa\\Kerberos\\Parameters) or allow IP fragments through the firewall.',
      ];
    case 'packet-loss':
      return [
        `Heavy packet loss (${num(d['rate']) !== null ? `${Math.round(num(d['rate'])! * 100)}% of segments retransmitted` : 'many retransmissions'}) during ${str(d['phase']) ?? 'the handshake'}: check interface errors/drops on the client link, Wi-Fi quality, and any congested or policed WAN link.`,
      ];
    case 'path-lost':
      return [
        'The path stopped delivering packets after the session was up (keep-alives/retransmissions unanswered): look for a NAT or firewall idle timeout, a VPN re-key or a link flap at that time.',
        'Raise the RDP keep-alive frequency (Group Policy "Configure keep-alive connection interval") below the device\'s idle timeout.',
      ];
    case 'credssp-auth-failure':
      return credsspSteps(f);
    case 'kerberos-clock-skew':
      return [clockSkewStep(d)];
    case 'kerberos-error':
      return [`The KDC answered ${str(d['name']) ?? 'an error'}: ${str(d['advice']) ?? 'check the account and the SPN (TERMSRV/<host>) in Active Directory.'}`];
    case 'gateway-unreachable':
      return ['The RD Gateway could not be reached on TCP/TLS 443: check the gateway name/address, its listener and any firewall in front of it.'];
    case 'gateway-auth-failure':
      return ['The gateway refused the credentials (HTTP 401 legs without success): check the user\'s credentials, the gateway\'s authentication method (NTLM/Negotiate/Basic) and whether NTLM is blocked.'];
    case 'gateway-denied':
      return [`The gateway's policy denied the connection (${str(d['name']) ?? 'E_PROXY'}): check the RD CAP (who may connect) and RD RAP (which hosts) in RD Gateway Manager for this user and target.`];
    case 'gateway-target-unreachable':
      return ['The gateway could not connect to the target host: the failure is on the gateway→host leg, which this capture cannot see. Check name resolution and TCP 3389 from the gateway to the host.'];
    case 'server-denied':
      return [
        `The server refused the connection after the security phase${num(d['errorInfo']) !== null ? ` (Set Error Info 0x${num(d['errorInfo'])!.toString(16)})` : ''}: check the server's TerminalServices-RemoteConnectionManager and LocalSessionManager event logs at that time — the PDU does not say which policy refused (connection limits, "Allow log on through Remote Desktop Services", licensing, single-session policy).`,
      ];
    case 'no-rdp-traffic':
      return [
        `The capture has no RDP, RD Gateway or Kerberos traffic. Capture on the client while reproducing the failure, with a filter such as "tcp port 3389 or udp port 3389 or tcp port 443 or port 88 or icmp".`,
        ctx.serverHint ? hintSeen(ctx) : 'If the server uses a non-standard port, it is still recognised when the X.224 Connection Request is captured.',
      ];
    case 'healthy':
      return ['The RDP connection in this capture reached the active session; if the user still saw an error, capture again around the failure and give its time with --failed-at.'];
    default:
      return ['The evidence does not decide the cause: capture on both client and server at the same time, and give the time of the error dialog with --failed-at.'];
  }
}

/**
 * Which clock to fix, from what the error measured: a skew beyond the tolerance names the clock
 * the rule suspects; a skew within it (the server's stime agrees with the reference) means the
 * clock that stamped the request, the client's, is off (RFC 4120 5.9.1: stime is the KDC's time).
 */
function clockSkewStep(d: Record<string, unknown>): string {
  const skew = num(d['skewSeconds']);
  const tolerance = num(d['maxSkewSeconds']) ?? 300;
  const suspect = str(d['suspect']);
  const sync = '(w32tm /resync on Windows, NTP elsewhere; check the domain time hierarchy)';
  if (skew !== null && Math.abs(skew) > tolerance) {
    const who = suspect === 'server' ? 'the server (KDC)' : suspect === 'client' ? 'the client' : suspect === 'server-or-capture-host' ? 'the server (KDC), or the machine that took the capture' : 'the client or the KDC';
    return `The clocks differ by about ${formatDuration(Math.abs(skew))} (Kerberos allows ${Math.round(tolerance / 60)} minutes by default): fix the time on ${who} ${sync}.`;
  }
  const vsCapture = num(d['serverVsCaptureSeconds']);
  if (skew !== null && vsCapture !== null && Math.abs(vsCapture) <= tolerance)
    return `The KDC's own clock agrees with the capture's (within ${formatDuration(Math.abs(vsCapture))}), so the clock that stamped the request is off: fix the time on the client that asked for the ticket ${sync}.`;
  return `The KDC refused the request's timestamp (Kerberos allows ${Math.round(tolerance / 60)} minutes by default) but the skew could not be measured: compare the time on the client and the KDC ${sync}.`;
}

function negotiationSteps(code: number | null): string[] {
  switch (code) {
    case 1:
      return ['The server requires TLS but the client offered only Standard RDP Security: enable TLS/NLA on the client (mstsc: "Authentication" options; FreeRDP: /sec:tls or /sec:nla).'];
    case 2:
      return ['The server allows only Standard RDP Security (SecurityLayer=0): set the server\'s security layer to Negotiate/SSL (Group Policy "Require use of specific security layer for remote (RDP) connections"), or allow RDP security on the client.'];
    case 3:
      return ['The server has no usable TLS certificate for RDP: check certlm.msc → Remote Desktop certificate (private key present and readable by NETWORK SERVICE), or delete it so the server creates a new self-signed one.'];
    case 5:
      return ['The server requires Network Level Authentication (CredSSP) but the client did not offer it: enable NLA/CredSSP on the client (FreeRDP: /sec:nla), or relax "Require user authentication for remote connections by using NLA" on the server.'];
    case 6:
      return ['The server requires TLS with client certificate authentication: configure a client certificate or change the server policy.'];
    default:
      return ['The client and server share no security protocol: compare the client\'s requested protocols with the server\'s SecurityLayer / UserAuthentication settings.'];
  }
}

function credsspSteps(f: Finding | null): string[] {
  const d = f?.data ?? {};
  const name = str(d['ntstatusName']);
  const code = num(d['errorCode']);
  if (f?.id === 'credssp.early-user-auth-denied') {
    return ['The user authenticated but is not allowed to log on through Remote Desktop: add the account to "Remote Desktop Users" or grant "Allow log on through Remote Desktop Services" on the server.'];
  }
  // SEC_E_UNSUPPORTED_FUNCTION says the authentication package was refused, not the password: the
  // account check would contradict the step that follows, so it is not given.
  if (code === 0x80090302)
    return [
      'NLA failed with 0x80090302 (SEC_E_UNSUPPORTED_FUNCTION): the server refused the authentication package the client used, not the account — e.g. NTLM blocked by policy ("Network security: Restrict NTLM"). Make Kerberos work (the client must reach a KDC and use the server\'s FQDN) or allow NTLM for this server.',
      'Look at the server\'s Security log for event 4625 at this time: its Status/Sub Status give the exact reason.',
    ];
  const steps = [`${name || code !== null ? `NLA failed with ${name ?? `0x${code!.toString(16)}`}` : 'The server rejected the NLA logon without sending an errorCode'}: check the account (password, lockout, expiry, logon hours/workstation restrictions) on the domain controller or the server's local users.`];
  steps.push('Look at the server\'s Security log for event 4625 at this time: its Status/Sub Status give the exact reason.');
  return steps;
}

/** What the capture holds of the host the user named (--server) when no RDP to it was recognised. */
function hintSeen(ctx: FindingContext): string {
  const addr = hintAddress(ctx.serverHint);
  const conns = addr ? ctx.conns.filter((v) => v.conn.client.ip.toLowerCase() === addr || v.conn.server.ip.toLowerCase() === addr) : [];
  if (!addr) return `${ctx.serverHint} is not an address: give the address the client connected to (--server) to focus on it.`;
  if (conns.length === 0) return `No packets to or from ${ctx.serverHint} were seen.`;
  const ports = [...new Set(conns.map((v) => `${v.conn.transport.toUpperCase()} ${v.conn.server.port}`))].slice(0, 5).join(', ');
  return `${conns.length} connection(s) with ${ctx.serverHint} are in the capture (${ports}), but none carries RDP or RD Gateway traffic that could be read: for TLS on 443 (an RD Gateway), give the TLS key log with --keylog.`;
}

/**
 * Which side to change, from what the ClientHello offered: only TLS 1.3 → the server lacks 1.3
 * (enable 1.2 on the client or 1.3 on the server); nothing newer than 1.1 → enable 1.2 on the
 * client; 1.2 offered → the server accepts neither (its protocol settings are the problem).
 */
export function tlsVersionAdvice(offered: readonly number[]): string {
  const real = offered.filter((v) => v >= 0x0300 && v <= 0x0304);
  const max = real.length ? Math.max(...real) : 0;
  const min = real.length ? Math.min(...real) : 0;
  const list = real.length ? [...new Set(real)].sort((a, b) => b - a).map(tlsVersionName).join(', ') : 'the versions shown';
  if (min >= 0x0304)
    return `The client offered only ${list}; the server accepts none of them (it most likely supports up to TLS 1.2). Allow TLS 1.2 on the client as well (FreeRDP: /tls:seclevel or OpenSSL MinProtocol = TLSv1.2) or enable TLS 1.3 on the server (Windows Server 2022 and later; xrdp: ssl_protocols).`;
  if (max > 0 && max <= 0x0302)
    return `The client offered only ${list} (nothing newer than ${tlsVersionName(max)}); the server accepts none of them. Enable TLS 1.2 on the client (Windows: SCHANNEL\\Protocols\\TLS 1.2\\Client Enabled=1; older clients need the TLS 1.2 update) or, temporarily, the old version on the server.`;
  return `The client offered ${list}; the server accepts none of them: check the server's enabled protocols (Windows: SCHANNEL\\Protocols registry keys; xrdp: ssl_protocols), which may allow only versions the client does not offer.`;
}
