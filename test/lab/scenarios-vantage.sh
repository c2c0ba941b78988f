# shellcheck shell=bash
# Vantage points and ways a session ends (issue 12, classes 1-5, 8, 12, 13): every scenario is
# captured at the client (c0), at the server (s0) and on the router with `tcpdump -i any`
# (Linux cooked v2: each forwarded packet twice, once per leg, TTL one apart, with the interface
# index and direction). Sessions are short so the files stay small.

# ------------------------------------------------------------------ capture helpers
# vt_cap_start NAME SIDE... : like cap_start, but SIDE "router" captures `-i any` in the router ns.
vt_cap_start() {
  local name=$1; shift
  CAP_PIDS=(); CAP_NAME=$name; CAP_SIDES=$*
  local s ns dev
  for s in "$@"; do
    case $s in client) ns=$NS_C dev=c0;; server) ns=$NS_S dev=s0;; router) ns=$NS_R dev=any;; client2) ns=$VT_NS_C2 dev=c2;; esac
    rm -f "$WORK/$name-$s.pcap"
    # -B: a large kernel buffer (KiB): with -i any every forwarded packet is captured twice and the
    # default buffer overflows during the server's bitmap bursts
    ip netns exec "$ns" tcpdump -i "$dev" -B 65536 --immediate-mode -s 0 -U -n -w "$WORK/$name-$s.pcap" >"$WORK/$name-$s.tcpdump.log" 2>&1 &
    CAP_PIDS+=($!)
  done
  local i ok
  for i in $(seq 1 50); do
    ok=1
    for s in "$@"; do grep -q listening "$WORK/$name-$s.tcpdump.log" 2>/dev/null || ok=0; done
    [ $ok = 1 ] && break; sleep 0.1
  done
  sleep 0.3
}

# vt_finish NAME CAUSE HOW NOTE [per-side expected JSON] : metadata per side; the optional JSON maps
# a side to {"expectedCause":…, "why":…} (what that vantage point can honestly show) and may carry
# "analyses": [{"client"|"failedAt"|"server": …, "expectedCause": …}] checked by the vantage test.
vt_finish() {
  local name=$1 cause=$2 how=$3 note=$4 extra=${5:-'{}'} s
  for s in $CAP_SIDES; do
    meta "$name" "$s" "$cause" "$name" "$how" "$note"
    EXTRA_JSON="$extra" SIDE="$s" F="$META/$name-$s.json" node -e '
      const fs = require("fs"); const e = process.env;
      const m = JSON.parse(fs.readFileSync(e.F, "utf8"));
      const x = JSON.parse(e.EXTRA_JSON);
      m.vantage = { client: "client", server: "server", router: "in-path router (tcpdump -i any, both legs)", client2: "second client" }[e.SIDE] ?? e.SIDE;
      const side = x[e.SIDE] ?? {};
      if (side.expectedCause) { m.expectedCauseHere = side.expectedCause; m.expectedWhy = side.why ?? null; }
      if (side.confidence) m.expectedConfidenceHere = side.confidence;
      if (side.analyses) m.analyses = side.analyses;
      if (x.analyses && !side.analyses) m.analyses = x.analyses;
      fs.writeFileSync(e.F, JSON.stringify(m, null, 2));'
  done
  CLIENT_ERR="" CLIENT_CMD="" SERVER_LOG="" SERVER_SW=""
}

# vt_kill_ns_comm COMM SIGNAL [NS] : signal every process named COMM in NS (server ns by default)
vt_kill_ns_comm() {
  local comm=$1 sig=$2 ns=${3:-$NS_S} p
  for p in $(ip netns pids "$ns" 2>/dev/null); do
    [ "$(cat /proc/$p/comm 2>/dev/null)" = "$comm" ] && kill "-$sig" "$p" 2>/dev/null
  done
  return 0
}

# run_xfreerdp_bg NAME SECONDS args... : xfreerdp in the client ns in the background (key-logged into NAME.keylog)
run_xfreerdp_bg() {
  local name=$1 secs=$2 ns=${VT_NS:-$NS_C}; shift 2
  rm -f "$WORK/$name.keylog"
  ip netns exec "$ns" env DISPLAY=$DISP_C HOME="$WORK/home" LD_PRELOAD="$SHIM" SSLKEYLOGFILE="$WORK/$name.keylog" \
    timeout -s TERM "$secs" xfreerdp /log-level:INFO "$@" >"$WORK/$name.bg.log" 2>&1 &
  VT_BG=$!
}
# vt_keylog NAME : keep the key log of a background run
vt_keylog() { rm -f "$OUT/$1.keylog"; [ -s "$WORK/$1.keylog" ] && cp "$WORK/$1.keylog" "$OUT/$1.keylog"; return 0; }

VT_NS_C2=rdl-client2
IP_C2=10.77.4.2 IP_RC2=10.77.4.1
vt_client2_up() {
  vt_client2_down
  ip netns add $VT_NS_C2; ip -n $VT_NS_C2 link set lo up
  ip link add c2 netns $VT_NS_C2 type veth peer name r-c2 netns $NS_R
  ip -n $VT_NS_C2 addr add $IP_C2/24 dev c2; ip -n $VT_NS_C2 link set c2 up
  ip -n $NS_R addr add $IP_RC2/24 dev r-c2; ip -n $NS_R link set r-c2 up
  ip -n $VT_NS_C2 route add 10.77.0.0/16 via $IP_RC2
  ip netns exec $VT_NS_C2 sysctl -qw net.ipv6.conf.all.disable_ipv6=1 2>/dev/null
  local ns dev
  for ns in $VT_NS_C2 $NS_R; do for dev in c2 r-c2; do ip netns exec $ns ethtool -K $dev tso off gso off gro off tx off rx off >/dev/null 2>&1 || true; done; done
  ip netns exec $VT_NS_C2 Xvfb :79 -noreset -nolisten tcp -screen 0 1024x768x24 >"$WORK/xvfb-client2.log" 2>&1 &
  sleep 1
}
vt_client2_down() {
  local p
  if ip netns pids $VT_NS_C2 >/dev/null 2>&1; then
    for p in $(ip netns pids $VT_NS_C2 2>/dev/null); do kill "$p" 2>/dev/null; done
    sleep 0.3
    for p in $(ip netns pids $VT_NS_C2 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
  fi
  ip netns del $VT_NS_C2 2>/dev/null
  return 0
}

VT_SIDES="client server router"

# ------------------------------------------------------------------ how an active session ends
# A healthy session that the client ends (xfreerdp SIGTERMed: client FIN first).
sc_vt_client_disconnect() {
  net_reset; xrdp_start
  local name=vantage-client-disconnect
  vt_cap_start $name $VT_SIDES
  run_xfreerdp $name 5 "${XF_BASE[@]}" /sec:tls
  cap_stop 1; xrdp_log_grab $name; xrdp_stop
  vt_finish $name healthy \
    "xrdp (negotiate), xfreerdp /sec:tls /cert:ignore (login screen, no credentials); the lab SIGTERMs xfreerdp after 5 s; captured at the client, the server and on the router with tcpdump -i any" \
    "Healthy session reaching the active phase; the client ends it (client FIN first, then RST on further server data). On the router capture every packet appears twice (once per leg, TTL one apart)."
}

# xrdp killed with SIGKILL mid-session: the server's kernel closes the socket (FIN, or RST when data was unread), no DPU, no close_notify.
sc_vt_xrdp_killed() {
  net_reset; xrdp_start
  local name=vantage-xrdp-killed
  vt_cap_start $name $VT_SIDES
  ( sleep 3.5; vt_kill_ns_comm xrdp KILL ) &
  local bg=$!
  run_xfreerdp $name 10 "${XF_BASE[@]}" /sec:tls
  wait $bg
  cap_stop 1; xrdp_log_grab $name; xrdp_stop
  vt_finish $name server-reset \
    "xrdp (negotiate), xfreerdp /sec:tls; 3.5 s after the start (session active) every xrdp process in the server ns is killed with SIGKILL (a crashed/killed server process); xfreerdp left to notice (lab kill at 10 s)" \
    "Session active, then the server's kernel closes the dead process's socket: server FIN/RST with no MCS Disconnect Provider Ultimatum, no Set Error Info and no TLS close_notify before it (abortive server close)."
}

# The server host's stack resets the connection mid-session (as after a reboot: the connection is unknown to it).
sc_vt_server_rst() {
  net_reset; xrdp_start
  local name=vantage-server-rst
  vt_cap_start $name $VT_SIDES
  ( sleep 3.5
    # forget the connection on the server host: ss -K (sock_destroy) sends the RST itself; where the kernel
    # lacks it, the server's INPUT chain answers the client's next segment with a reset from the server's stack
    if ins ss -K state established '( sport = :3389 )' 2>/dev/null | grep -q 3389; then echo ss-K >"$WORK/$name.how"
    else ins iptables -A INPUT -p tcp --dport 3389 -j REJECT --reject-with tcp-reset; echo reject >"$WORK/$name.how"; fi ) &
  local bg=$!
  run_xfreerdp $name 14 "${XF_BASE[@]}" /sec:tls
  wait $bg
  local how; how=$(cat "$WORK/$name.how" 2>/dev/null)
  cap_stop 1; xrdp_log_grab $name; xrdp_stop
  local mech="the server host's INPUT chain starts answering the client's segments with TCP resets (iptables REJECT --reject-with tcp-reset on the server itself: the reset comes from the server's own stack, as from a rebooted host that no longer knows the connection)"
  [ "$how" = ss-K ] && mech="the connection is destroyed on the server host with ss -K (the server's kernel sends the RST)"
  vt_finish $name server-reset \
    "xrdp (negotiate), xfreerdp /sec:tls; 3.5 s after the start (the client needs ~1.5 s to start: the connection is in its finalization) $mech; lab kill at 14 s" \
    "The server host's own stack resets the connection during the connection finalization, right after the server's Demand Active (TTL and IP ID continuing the server's packets; at the client it follows the client's segment by one client-server round trip, at the server by microseconds). No DPU, no Set Error Info, no close_notify." \
    '{"server":{"expectedCause":"server-reset"}}'
}

# A router forges a reset in the middle of an active session (iptables REJECT on the client's next segment).
sc_vt_forged_rst() {
  net_reset; xrdp_start
  local name=vantage-forged-rst-midsession
  vt_cap_start $name $VT_SIDES
  ( sleep 3.5; inr iptables -A FORWARD -p tcp -s $IP_C --dport 3389 -j REJECT --reject-with tcp-reset ) &
  local bg=$!
  run_xfreerdp $name 14 "${XF_BASE[@]}" /sec:tls
  wait $bg
  cap_stop 1; xrdp_log_grab $name; xrdp_stop
  vt_finish $name middlebox-reset \
    "xrdp (negotiate), xfreerdp /sec:tls; 3.5 s after the start (session active) the router's FORWARD chain rejects the client's segments to 3389 with a forged TCP reset (iptables REJECT --reject-with tcp-reset, sent to the client only); lab kill at 14 s" \
    "Session active; the client's next segment (keep-alive or input) is answered by an RST 'from 10.77.2.2' made by the router: TTL 64 at the client where the server's own packets are TTL 63, IP ID not the server's. The server never sees the reset: its capture just stops receiving from the client." \
    '{"server":{"expectedCause":"path-lost","confidence":"low","why":"the forged reset goes to the client only; the server sees the client fall completely silent while it retransmits: a dead path and a reset on the other leg look the same from here"}}'
}

# The path dies mid-session: the router drops everything both ways.
sc_vt_path_dies() {
  net_reset; xrdp_start
  local name=vantage-path-dies
  vt_cap_start $name $VT_SIDES
  ( sleep 3.5; inr iptables -A FORWARD -j DROP ) &
  local bg=$!
  run_xfreerdp $name 30 "${XF_BASE[@]}" /sec:tls
  wait $bg
  cap_stop 1; xrdp_log_grab $name; xrdp_stop
  vt_finish $name path-lost \
    "xrdp (negotiate), xfreerdp /sec:tls; 3.5 s after the start (session active) the router's FORWARD chain drops everything in both directions; xfreerdp left to detect it (keep-alives, then RST)" \
    "Session active, then the client's keep-alives go unanswered and it aborts with RST. On the router the client's packets arrive (one copy: they are no longer forwarded); the server side sees nothing after the cut." \
    '{"server":{"expectedCause":"healthy","confidence":"medium","why":"nothing after the cut reaches the server: its capture ends with an active session that is still open, so how it ended is not in this capture"}}'
}

# ------------------------------------------------------------------ captures started mid-session
sc_vt_midcapture() {
  net_reset; xrdp_start
  local name=vantage-midcapture-forged-rst
  run_xfreerdp_bg $name 14 "${XF_BASE[@]}" /sec:tls
  local cl=$VT_BG
  sleep 1.2
  vt_cap_start $name $VT_SIDES
  sleep 1; inr iptables -A FORWARD -p tcp -s $IP_C --dport 3389 -j REJECT --reject-with tcp-reset
  wait $cl; CLIENT_RC=$?; vt_keylog $name
  CLIENT_CMD="xfreerdp ${XF_BASE[*]} /sec:tls"; CLIENT_ERR="exit code $CLIENT_RC; $(grep -E 'ERRCONNECT_|\[ERROR\]' "$WORK/$name.bg.log" | head -3 | paste -sd ';' -)"
  cap_stop 1; xrdp_log_grab $name; xrdp_stop
  vt_finish $name middlebox-reset \
    "xrdp (negotiate), xfreerdp /sec:tls; the captures start 1.2 s after the client (TCP, X.224 and TLS handshakes done, the server's bitmaps flowing: none of the handshakes is in the files); about 1.5 s later (the captures need ~0.5 s to start) the router forges a TCP reset to the client's next segment (iptables REJECT --reject-with tcp-reset in FORWARD)" \
    "Mid-connection capture of an RDP session on 3389 (TLS application records only); it ends with an RST 'from the server' forged by the router (TTL 64 at the client, the server's packets are TTL 63)." \
    '{"server":{"expectedCause":"healthy","confidence":"medium","why":"the forged reset goes to the client only; the server capture ends with the session still open"}}'

  net_reset; xrdp_start
  name=vantage-midcapture-xrdp-killed
  run_xfreerdp_bg $name 12 "${XF_BASE[@]}" /sec:tls
  cl=$VT_BG
  sleep 1.2
  vt_cap_start $name $VT_SIDES
  sleep 1.5; vt_kill_ns_comm xrdp KILL
  wait $cl; CLIENT_RC=$?; vt_keylog $name
  CLIENT_CMD="xfreerdp ${XF_BASE[*]} /sec:tls"; CLIENT_ERR="exit code $CLIENT_RC; $(grep -E 'ERRCONNECT_|\[ERROR\]' "$WORK/$name.bg.log" | head -3 | paste -sd ';' -)"
  cap_stop 1; xrdp_log_grab $name; xrdp_stop
  vt_finish $name server-reset \
    "xrdp (negotiate), xfreerdp /sec:tls; the captures start 1.2 s after the client (handshakes done, bitmaps flowing); about 2 s later every xrdp process is killed with SIGKILL" \
    "Mid-connection capture: TLS application records only, then the server's kernel closes the killed process's socket (FIN/RST with no close_notify or DPU before it)."
}

# ------------------------------------------------------------------ server-side denial, three vantage points
sc_vt_shadow_denied() {
  shadow_setup
  net_reset
  shadow_start /sec:tls +auth
  sleep 0.5
  local name=vantage-shadow-denied
  vt_cap_start $name $VT_SIDES
  run_xfreerdp $name 20 "${XF_BASE[@]}" /sec:tls /u:$LAB_USER /p:$LAB_PASS
  cap_stop 1; shadow_log_grab $name; shadow_stop
  vt_finish $name server-denied \
    "freerdp-shadow-cli /sec:tls +auth: the server checks the Client Info credentials itself (PAM) after the connection sequence; the user does not exist on the server host, so it drops the connection. xfreerdp /sec:tls /u:$LAB_USER /p:<pw>" \
    "TLS, MCS, Client Info, capabilities; then the server (not the client) closes: close_notify + FIN, then RST, with no Set Error Info and no DPU. With keys the close follows activation with no graphics; without keys only the server's small last records and its close are visible."
}

# ------------------------------------------------------------------ a busy server, and reconnect storms
sc_vt_busy_server() {
  net_reset; xrdp_start; vt_client2_up
  local name=vantage-busy-server
  # the second client's attempts are reset by the router at its X.224 Connection Request
  inr iptables -A FORWARD -p tcp -s $IP_C2 --dport 3389 -m string --algo bm --string mstshash -j REJECT --reject-with tcp-reset
  vt_cap_start $name $VT_SIDES
  run_xfreerdp_bg $name 7 "${XF_BASE[@]}" /sec:tls
  local a=$VT_BG
  sleep 0.5
  inc env DISPLAY=$DISP_C HOME="$WORK/home" timeout -s TERM 6 sh -c "yes yes | rdesktop -u '' -g 800x600 $IP_S" >"$WORK/$name.rdesktop.log" 2>&1 &
  local b=$!
  sleep 0.5
  ip netns exec $VT_NS_C2 env DISPLAY=:79 HOME="$WORK/home" timeout -s TERM 10 xfreerdp /log-level:INFO "${XF_BASE[@]}" /sec:tls /u:labuser >"$WORK/$name.c2.log" 2>&1 &
  local c=$!
  wait $a; local rca=$?; wait $b; local rcb=$?; wait $c; local rcc=$?
  vt_keylog $name
  CLIENT_CMD="10.77.1.2: xfreerdp ${XF_BASE[*]} /sec:tls (SIGTERM at 7 s) and rdesktop -u '' $IP_S (SIGTERM at 6 s); 10.77.4.2: xfreerdp ${XF_BASE[*]} /sec:tls /u:labuser"
  CLIENT_ERR="xfreerdp 10.77.1.2 exit $rca; rdesktop exit $rcb; xfreerdp 10.77.4.2 exit $rcc: $(grep -E 'ERRCONNECT_' "$WORK/$name.c2.log" | head -2 | paste -sd ';' -)"
  cap_stop 1; xrdp_log_grab $name; xrdp_stop; vt_client2_down
  vt_finish $name middlebox-reset \
    "xrdp (negotiate) with three clients at once: xfreerdp /sec:tls and rdesktop from 10.77.1.2 (both healthy, SIGTERMed after 7/6 s), and xfreerdp /u:labuser from a second client 10.77.4.2 (namespace rdl-client2 on the router's r-c2 leg) whose X.224 Connection Requests (cookie mstshash=labuser) the router answers with a forged TCP reset (iptables string match, REJECT --reject-with tcp-reset)" \
    "Two healthy sessions (one xfreerdp with TLS keys, one rdesktop) and two reset attempts from 10.77.4.2 (xfreerdp retries once). The verdict is about the user's attempt: --client 10.77.1.2 is healthy, --client 10.77.4.2 is middlebox-reset." \
    '{"analyses":[{"client":"10.77.1.2","expectedCause":"healthy"},{"client":"10.77.4.2","expectedCause":"middlebox-reset"}],
      "client":{"expectedCause":"healthy","why":"the client 10.77.1.2 only sees its own two healthy sessions","analyses":[{"client":"10.77.1.2","expectedCause":"healthy"}]},
      "server":{"expectedCause":"unknown","why":"the forged resets go to 10.77.4.2 only; the server sees two healthy sessions and two handshakes from 10.77.4.2 that go silent, which nothing explains from here","analyses":[{"client":"10.77.1.2","expectedCause":"healthy"},{"client":"10.77.4.2","expectedCause":"unknown"}]}}'
}

sc_vt_reconnect_storm() {
  net_reset; xrdp_start
  local name=vantage-reconnect-storm
  vt_cap_start $name $VT_SIDES
  # three attempts: the first two are killed by a forged reset at the X.224 request, the third gets through
  inr iptables -A FORWARD -p tcp --dport 3389 -m string --algo bm --string mstshash -j REJECT --reject-with tcp-reset
  local i rcs=""
  for i in 1 2; do
    inc env DISPLAY=$DISP_C HOME="$WORK/home" timeout -s TERM 8 xfreerdp /log-level:INFO "${XF_BASE[@]}" /sec:tls /u:labuser >"$WORK/$name.$i.log" 2>&1
    rcs="$rcs attempt $i exit $?;"
    sleep 0.5
  done
  date +%s.%N >"$WORK/$name.t-ok"
  inr iptables -F FORWARD
  run_xfreerdp $name 5 "${XF_BASE[@]}" /sec:tls /u:labuser
  CLIENT_CMD="xfreerdp ${XF_BASE[*]} /sec:tls /u:labuser (three runs)"; CLIENT_ERR="$rcs attempt 3: $CLIENT_ERR"
  cap_stop 1; xrdp_log_grab $name; xrdp_stop
  vt_finish $name healthy \
    "xrdp (negotiate); xfreerdp /sec:tls /u:labuser run three times in a row from 10.77.1.2; during the first two runs the router answers the X.224 Connection Request (cookie mstshash=labuser) with a forged TCP reset (each run tries twice); the rule is then removed and the third run reaches the active phase (SIGTERM after 5 s)" \
    "Four reset attempts then one healthy session from the same client. Without a hint the latest attempt (healthy) is the answer, and the earlier failures are mentioned; --failed-at at the first attempt gives middlebox-reset." \
    '{"client":{"analyses":[{"failedAtFirstConnection":true,"expectedCause":"middlebox-reset"}]},"router":{"analyses":[{"failedAtFirstConnection":true,"expectedCause":"middlebox-reset"}]},
      "server":{"expectedCause":"healthy","why":"the forged resets go to the client only; the server sees four handshakes that go silent and one healthy session"}}'
}

EXTRA+=(sc_vt_client_disconnect sc_vt_xrdp_killed sc_vt_server_rst sc_vt_forged_rst sc_vt_path_dies sc_vt_midcapture sc_vt_shadow_denied sc_vt_busy_server sc_vt_reconnect_storm)
