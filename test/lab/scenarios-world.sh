# shellcheck shell=bash
# Failures staged the way the world stages them (issue 12, classes 6, 7, 9, 10, 11 and the shapes of 13):
# MTU black holes over IPv6 and seen from an in-path router (tcpdump -i any), Kerberos UDP answered by ICMP
# port-unreachable then retried over TCP, a password-spraying burst with one genuine user among it, an RD
# Gateway stand-in that closes without an answer, RDP on a non-standard port and through a port forward,
# truncated snaplen, and --failed-at pointing at a failing attempt after a successful one.
# Sourced by run-all.sh (after lib.sh, scenarios.sh, scenarios-auth.sh); appends its groups to EXTRA.
#   bash test/lab/run-all.sh sc_world_ipv6 sc_world_router sc_world_krb_fallback sc_world_spray \
#        sc_world_gateway sc_world_ports sc_world_snaplen sc_world_failedat

IP6_C=fd77:1::2 IP6_RC=fd77:1::1 IP6_RS=fd77:2::1 IP6_S=fd77:2::2

# wcap_start NAME SNAPLEN SIDE... : like cap_start, with a snap length and a 'router' side that captures
# every interface of the router ns (tcpdump -i any: both legs, Linux cooked SLL2).
wcap_start() {
  local name=$1 snap=$2; shift 2
  local sides=${*:-client server}
  CAP_PIDS=(); CAP_NAME=$name; CAP_SIDES=$sides
  local s ns dev
  for s in $sides; do
    case $s in client) ns=$NS_C dev=c0;; server) ns=$NS_S dev=s0;; gw) ns=$NS_G dev=g0;; router) ns=$NS_R dev=any;; esac
    rm -f "$WORK/$name-$s.pcap"
    ip netns exec "$ns" tcpdump -i "$dev" --immediate-mode -s "$snap" -U -n -w "$WORK/$name-$s.pcap" >"$WORK/$name-$s.tcpdump.log" 2>&1 &
    CAP_PIDS+=($!)
  done
  local i ok
  for i in $(seq 1 50); do
    ok=1
    for s in $sides; do grep -q listening "$WORK/$name-$s.tcpdump.log" 2>/dev/null || ok=0; done
    [ $ok = 1 ] && break; sleep 0.1
  done
  sleep 0.3
}

# wmeta NAME JSON : merge extra fields into every side's manifest entry of NAME written by finish.
# Used for `analyze` (the options a user would give: server, client, failedAt) so that tests and
# docs/accuracy.md run the CLI the way the scenario's user would.
wmeta() {
  local name=$1 extra=$2 f
  for f in "$META/$name"-*.json; do
    [ -s "$f" ] || continue
    F="$f" X="$extra" node -e '
      const fs = require("fs"); const m = JSON.parse(fs.readFileSync(process.env.F, "utf8"));
      Object.assign(m, JSON.parse(process.env.X)); fs.writeFileSync(process.env.F, JSON.stringify(m, null, 2));'
  done
}

# w_case NAME CAUSE SCEN SECS SNAP "SIDES" "xrdp k=v ..." "setup" HOW NOTE -- xfreerdp args
w_case() {
  local name=$1 cause=$2 scen=$3 secs=$4 snap=$5 sides=$6 xrdpopts=$7 setup=$8 how=$9 note=${10}; shift 11
  net_reset; w_nat_reset
  # shellcheck disable=SC2086
  if [ "$xrdpopts" != "none" ]; then xrdp_start $xrdpopts; else xrdp_stop; fi
  eval "$setup"
  # shellcheck disable=SC2086
  wcap_start "$name" "$snap" $sides
  run_xfreerdp "$name" "$secs" "$@"
  cap_stop 1
  if [ "$xrdpopts" != "none" ]; then xrdp_log_grab "$name"; fi
  xrdp_stop
  finish "$name" "$cause" "$scen" "$how" "$note"
}

w_nat_reset() { inr iptables -t nat -F 2>/dev/null; inr ip6tables -F 2>/dev/null; inr ip6tables -P FORWARD ACCEPT 2>/dev/null; return 0; }

# ------------------------------------------------------------------ IPv6 end to end
w6_up() {
  local ns
  for ns in $NS_C $NS_R $NS_S; do
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0
  done
  ip netns exec $NS_C sysctl -qw net.ipv6.conf.c0.disable_ipv6=0
  ip netns exec $NS_S sysctl -qw net.ipv6.conf.s0.disable_ipv6=0
  ip netns exec $NS_R sysctl -qw net.ipv6.conf.r-c.disable_ipv6=0 net.ipv6.conf.r-s.disable_ipv6=0 net.ipv6.conf.all.forwarding=1
  ip -n $NS_C -6 addr add $IP6_C/64 dev c0 nodad
  ip -n $NS_R -6 addr add $IP6_RC/64 dev r-c nodad
  ip -n $NS_R -6 addr add $IP6_RS/64 dev r-s nodad
  ip -n $NS_S -6 addr add $IP6_S/64 dev s0 nodad
  ip -n $NS_C -6 route add fd77::/16 via $IP6_RC
  ip -n $NS_S -6 route add fd77::/16 via $IP6_RS
  sleep 1
}
w6_down() {
  local ns
  inr ip6tables -F 2>/dev/null
  for ns in $NS_C $NS_R $NS_S; do ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 2>/dev/null; done
  return 0
}

sc_world_ipv6() {
  net_reset; w_nat_reset; w6_up
  w_case healthy-ipv6-pmtud-1280 healthy healthy 5 0 "client server" "" \
    "ip -n $NS_R -6 route replace fd77:1::/64 dev r-c proto kernel metric 256 mtu 1280" \
    "IPv6 end to end (client fd77:1::2, router fd77:1::1 / fd77:2::1, server fd77:2::2); router route towards the client has MTU 1280 (IPv6 minimum), ICMPv6 Packet Too Big allowed so PMTUD works; xrdp; xfreerdp /v:[fd77:2::2] /sec:tls; SIGTERM after 5 s" \
    "Healthy IPv6 control: the server's first full-size segment draws an ICMPv6 Packet Too Big (MTU 1280) from the router and is re-sent smaller; the session reaches the active state." \
    -- "/v:[$IP6_S]" /cert:ignore /sec:tls
  # forget the path MTU the healthy run taught the server (net_reset flushes IPv4 only)
  ins ip -6 route flush cache; inc ip -6 route flush cache
  w_case mtu-blackhole-ipv6-1280 mtu-blackhole mtu-blackhole 20 0 "client server router" "" \
    "ins ip -6 route flush cache; ip -n $NS_R -6 route replace fd77:1::/64 dev r-c proto kernel metric 256 mtu 1280; inr ip6tables -A OUTPUT -p icmpv6 --icmpv6-type packet-too-big -j DROP; inr ip6tables -A FORWARD -p icmpv6 --icmpv6-type packet-too-big -j DROP" \
    "IPv6 end to end; router route towards the client has MTU 1280 and the router drops ICMPv6 Packet Too Big (its own and forwarded); interfaces keep MTU 1500 so MSS 1440 is negotiated; xfreerdp /v:[fd77:2::2] /sec:tls; lab kills xfreerdp after 20 s. Router capture is tcpdump -i any (both legs, SLL2)" \
    "IPv6 MTU black hole: small packets pass (handshake, X.224, ClientHello, the short tail of the server's flight), the server's full-size segments never reach the client and no ICMPv6 Packet Too Big is seen anywhere; the server retransmits the full-size segment with backoff." \
    -- "/v:[$IP6_S]" /cert:ignore /sec:tls
  w6_down; net_reset
}

# ------------------------------------------------------------------ IPv4 black hole seen from the router (-i any)
sc_world_router() {
  w_case mtu-blackhole-1200-anyif mtu-blackhole mtu-blackhole 20 0 "router" "" \
    "ip -n $NS_R route replace 10.77.1.0/24 dev r-c proto kernel scope link src $IP_RC mtu 1200; inr iptables -A OUTPUT -p icmp --icmp-type fragmentation-needed -j DROP; inr iptables -A FORWARD -p icmp --icmp-type fragmentation-needed -j DROP" \
    "as mtu-blackhole-1200 (router route to the client subnet MTU 1200, ICMP frag-needed dropped), captured on the router itself with tcpdump -i any: both legs in one file (every forwarded packet twice, TTL one apart), Linux cooked SLL2; lab kills xfreerdp after 20 s" \
    "In-path capture of an IPv4 MTU black hole: the server's full-size segments arrive on r-s and are never forwarded to r-c (no ICMP frag-needed); small packets appear on both legs." \
    -- "${XF_BASE[@]}" /sec:tls
}

# ------------------------------------------------------------------ Kerberos: UDP port unreachable, then TCP with clock skew
sc_world_krb_fallback() {
  krb_setup
  krb_client_conf "$KRB/client-udp.conf" 1465
  net_reset; w_nat_reset
  # the KDC listens on TCP 88 only: the server kernel answers UDP 88 with ICMP port unreachable
  sed -i 's/^ kdc_ports = 88/ kdc_listen = ""/' "$KRB/kdc.conf"
  kdc_stop
  ins env KRB5_CONFIG=$KRB/krb5.conf KRB5_KDC_PROFILE=$KRB/kdc.conf krb5kdc -n -r LAB.TEST >"$KRB/kdc.stdout" 2>&1 &
  local i; for i in $(seq 1 50); do ins ss -ltn | grep -q ':88 ' && break; sleep 0.1; done
  CAP_PIDS=()
  # kinit_case uses cap_start (client and server)
  kinit_case kerberos-clock-skew-udpunreach kerberos-clock-skew kerberos-clock-skew "$KRB/client-udp.conf" "faketime -f +600" "$LAB_USER" "$LAB_PASS" \
    "MIT krb5kdc listening on TCP 88 only (kdc_listen empty); kinit over UDP first (udp_preference_limit 1465) under faketime -f +600 (client clock 10 min ahead; KDC clockskew 300 s)" \
    "The UDP AS-REQ is answered by ICMP port unreachable (type 3 code 3) from the KDC host; kinit falls back to TCP 88 at once, where the KDC answers KRB-ERROR 37 KRB_AP_ERR_SKEW. The ICMP error is not the cause: the TCP answer is."
  ns_kill_comm krb5kdc ':88 '
  sed -i 's/^ kdc_listen = ""/ kdc_ports = 88/' "$KRB/kdc.conf"
}

# ------------------------------------------------------------------ password spraying with one genuine user among it
sc_world_spray() {
  shadow_setup
  net_reset; w_nat_reset
  shadow_start /sec:nla +auth /sam-file:"$WORK/shadow/sam"
  sleep 0.5
  local name=credssp-spray-with-user
  wcap_start $name 0 client server
  local n=0 t0 t1
  t0=$(date +%s.%N)
  spray() { # spray FROM TO
    local n
    for n in $(seq "$1" "$2"); do
      inc env DISPLAY=$DISP_C HOME="$WORK/home" timeout -s KILL 8 xfreerdp /v:$IP_S /cert:ignore /sec:nla /auth-only \
          /u:administrator "/p:Spray-$n" >>"$WORK/$name.spray.log" 2>&1
    done
  }
  : >"$WORK/$name.spray.log"
  spray 1 15
  # the genuine user, from a second address on the client subnet, in the middle of the burst
  inc ip addr add 10.77.1.3/24 dev c0
  inc ip route replace 10.77.2.0/24 via $IP_RC src 10.77.1.3
  sleep 0.3
  run_xfreerdp $name 15 "${XF_BASE[@]}" /sec:tls /u:$LAB_USER /p:$LAB_PASS
  local uerr=$CLIENT_ERR
  inc ip route del 10.77.2.0/24 via $IP_RC src 10.77.1.3 2>/dev/null
  inc ip addr del 10.77.1.3/24 dev c0 2>/dev/null
  sleep 0.3
  spray 16 30
  CLIENT_ERR=$uerr
  t1=$(date +%s.%N)
  log "$name: 30 spray runs and the user's attempt in $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}') s"
  cap_stop 1; shadow_log_grab $name; shadow_stop
  rm -f "$OUT/$name.keylog"
  finish $name rdp-negotiation-failure rdp-negotiation-failure \
    "freerdp-shadow-cli /sec:nla +auth (winpr SAM, NTLM); from 10.77.1.2, 30 runs of xfreerdp /sec:nla /auth-only /u:administrator with a different wrong password each (a spraying burst, same cookie mstshash=administrator); with the genuine user's attempt from 10.77.1.3 (second address on the client subnet) after the 15th with xfreerdp /sec:tls /u:$LAB_USER, which the NLA-only server refuses" \
    "The capture is dominated by 30 failed NLA connections from 10.77.1.2 (X.224 selects HYBRID, TLS, CredSSP round trips, then the server closes); the user's attempt from 10.77.1.3 (in the middle of the burst) is answered with RDP_NEG_FAILURE failureCode 5 (HYBRID_REQUIRED_BY_SERVER). No key log: the burst is keyless."
  wmeta $name '{"variants":[{"analyze":{"client":"10.77.1.3"},"expectedCause":"rdp-negotiation-failure","why":"--client names the genuine user"},{"analyze":{"client":"10.77.1.2"},"expectedCause":"credssp-auth-failure","why":"--client names the spraying source: its attempts are failed NLA logons"}]}'
}

# ------------------------------------------------------------------ RD Gateway stand-in closing without an answer
sc_world_gateway() {
  net_reset; w_nat_reset; xrdp_start
  local GWARGS=(/v:$IP_S /cert:ignore /sec:tls /g:$IP_G:443 /gu:$LAB_USER /gp:$LAB_PASS /gt:http)
  gw_nginx "return 444;"
  gw_case gateway-closed-444 gateway-denied gateway-denied 20 \
    "nginx (TLS, 443) gateway stand-in with 'return 444' (nginx closes the connection without sending any response); xfreerdp /g:10.77.3.2:443 /gt:http" \
    "TLS handshake completes, the client sends its RDG_OUT_DATA request and the gateway closes the TLS connection without an HTTP answer (close_notify + FIN from 10.77.3.2); the RDP server is never contacted. Without keys only TLS records on 443 are visible." \
    -- "${GWARGS[@]}"
  wmeta gateway-closed-444 '{"analyze":{"server":"10.77.3.2"}}'
  gw_stop; xrdp_stop
}

# ------------------------------------------------------------------ RDP on a non-standard port and through a port forward
sc_world_ports() {
  w_case healthy-port3390 healthy healthy 5 0 "client server" "port=3390" "" \
    "xrdp listening on TCP 3390 (port=3390); xfreerdp /v:10.77.2.2:3390 /sec:tls; SIGTERM after 5 s" \
    "Healthy session on a non-standard port (3390): TPKT/X.224, TLS, MCS and the active phase, all on 3390." \
    -- /v:$IP_S:3390 /cert:ignore /sec:tls
  CLIENT_ENV="LAB_TLS_MAX=1.2" \
  w_case tls-version-mismatch-port3390 tls-version-mismatch tls-version-mismatch 20 0 "client server" "port=3390 ssl_protocols=TLSv1.3" "" \
    "xrdp on TCP 3390 with ssl_protocols=TLSv1.3 only; xfreerdp /v:10.77.2.2:3390 limited to TLS <= 1.2 by the lab shim (LAB_TLS_MAX=1.2)" \
    "On port 3390: X.224 selects TLS, the ClientHello offers at most TLS 1.2 and xrdp answers with fatal alert 70 protocol_version." \
    -- /v:$IP_S:3390 /cert:ignore /sec:tls
  w_case healthy-portfwd-53389 healthy healthy 5 0 "client server" "" \
    "inr iptables -t nat -A PREROUTING -d $IP_S -p tcp --dport 53389 -j DNAT --to-destination $IP_S:3389" \
    "router DNAT: the client connects to 10.77.2.2:53389, the router forwards it to 10.77.2.2:3389 (different port on each side of the router); xfreerdp /v:10.77.2.2:53389 /sec:tls; SIGTERM after 5 s" \
    "Healthy session through a port forward: the client-side capture shows port 53389, the server-side capture port 3389." \
    -- /v:$IP_S:53389 /cert:ignore /sec:tls
  w_case rdp-negotiation-failure-portfwd-53389 rdp-negotiation-failure rdp-negotiation-failure 20 0 "client server" "security_layer=rdp" \
    "inr iptables -t nat -A PREROUTING -d $IP_S -p tcp --dport 53389 -j DNAT --to-destination $IP_S:3389" \
    "router DNAT 53389 -> 3389; xrdp security_layer=rdp (standard RDP security only); xfreerdp /v:10.77.2.2:53389 /sec:tls" \
    "Through the port forward: the X.224 Connection Confirm selects standard RDP security (selectedProtocol 0) although the client demanded TLS; xfreerdp closes right after the CC." \
    -- /v:$IP_S:53389 /cert:ignore /sec:tls
  w_nat_reset
}

# ------------------------------------------------------------------ truncated snaplen
sc_world_snaplen() {
  CLIENT_ENV="LAB_TLS_MAX=1.2" \
  w_case tls-version-mismatch-snap96 tls-version-mismatch tls-version-mismatch 20 96 "client server" "ssl_protocols=TLSv1.3" "" \
    "as tls-version-mismatch-srv13-cli12 (xrdp TLS 1.3 only, client TLS <= 1.2), captured with tcpdump -s 96: every frame cut to 96 bytes" \
    "Frames longer than 96 bytes are truncated (ClientHello, server flight): the alert 70 record (7 bytes) fits; nothing is lost on the wire." \
    -- "${XF_BASE[@]}" /sec:tls
  w_case healthy-xrdp-snap96 healthy healthy 5 96 "client server" "" "" \
    "healthy xrdp session (TLS 1.3) captured with tcpdump -s 96; SIGTERM after 5 s" \
    "Every frame longer than 96 bytes is truncated; the session itself is healthy (no loss, no malformed PDU on the wire)." \
    -- "${XF_BASE[@]}" /sec:tls
}

# ------------------------------------------------------------------ --failed-at: a failing attempt after a successful one
sc_world_failedat() {
  local name=tls-version-mismatch-after-success
  net_reset; w_nat_reset; xrdp_start
  wcap_start $name 0 client server
  run_xfreerdp "$name-a" 4 "${XF_BASE[@]}" /sec:tls
  sleep 1
  xrdp_start ssl_protocols=TLSv1.3
  sleep 1
  local failed_at; failed_at=$(date -u '+%Y-%m-%d %H:%M:%S +00:00')
  CLIENT_ENV="LAB_TLS_MAX=1.2" run_xfreerdp "$name-b" 15 "${XF_BASE[@]}" /sec:tls
  cap_stop 1; xrdp_log_grab $name; xrdp_stop
  cat "$OUT/$name-a.keylog" "$OUT/$name-b.keylog" >"$OUT/$name.keylog" 2>/dev/null
  rm -f "$OUT/$name-a.keylog" "$OUT/$name-b.keylog"
  [ -s "$OUT/$name.keylog" ] || rm -f "$OUT/$name.keylog"
  CLIENT_CMD="xfreerdp /v:$IP_S /cert:ignore /sec:tls (twice: first healthy, then limited to TLS <= 1.2)"
  finish $name tls-version-mismatch tls-version-mismatch \
    "xrdp (negotiate) and a healthy xfreerdp /sec:tls session (SIGTERM after 4 s); then xrdp restarted with ssl_protocols=TLSv1.3 and xfreerdp limited to TLS <= 1.2 (lab shim LAB_TLS_MAX=1.2); --failed-at is the wall-clock time of the second attempt" \
    "First attempt reaches the active phase and is ended by the client; the second, a few seconds later, is answered with fatal alert 70 protocol_version. The user's error dialog (--failed-at) belongs to the second."
  wmeta $name "{\"analyze\":{\"failedAt\":\"$failed_at\"}}"
}

EXTRA+=(sc_world_ipv6 sc_world_router sc_world_krb_fallback sc_world_spray sc_world_gateway sc_world_ports sc_world_snaplen sc_world_failedat)
