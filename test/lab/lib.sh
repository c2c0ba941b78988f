# shellcheck shell=bash
# Common helpers for the rdpdiag capture lab.  Sourced by run-all.sh and the
# scenario scripts.  Everything runs inside private network namespaces:
#
#   rdl-client (c0 10.77.1.2) -- (r-c 10.77.1.1) rdl-router (r-s 10.77.2.1) -- (s0 10.77.2.2) rdl-server
#                                                (r-g 10.77.3.1) -- (g0 10.77.3.2) rdl-gw
#
# No traffic ever leaves these namespaces (no default route points outside).

set -u

LAB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$LAB_DIR/../.." && pwd)"
OUT="${LAB_OUT:-$REPO_DIR/captures/lab}"
META="$OUT/.meta"
LOGS="$OUT/logs"
WORK="${LAB_WORK:-/tmp/rdpdiag-lab}"

NS_C=rdl-client NS_R=rdl-router NS_S=rdl-server NS_G=rdl-gw
IP_C=10.77.1.2 IP_RC=10.77.1.1 IP_RS=10.77.2.1 IP_S=10.77.2.2 IP_RG=10.77.3.1 IP_G=10.77.3.2
DISP_C=:77 DISP_S=:78
SHIM="$WORK/sslkeylog.so"
LAB_USER=labuser LAB_PASS='Lab-Pass-123'

inc() { ip netns exec "$NS_C" "$@"; }
inr() { ip netns exec "$NS_R" "$@"; }
ins() { ip netns exec "$NS_S" "$@"; }
ing() { ip netns exec "$NS_G" "$@"; }

log() { printf '[lab %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

# ---------------------------------------------------------------- topology
topo_down() {
  for ns in $NS_C $NS_R $NS_S $NS_G; do
    if ip netns pids "$ns" >/dev/null 2>&1; then
      for p in $(ip netns pids "$ns" 2>/dev/null); do kill "$p" 2>/dev/null; done
      sleep 0.3
      for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
    fi
    ip netns del "$ns" 2>/dev/null
  done
  return 0
}

topo_up() {
  topo_down
  for ns in $NS_C $NS_R $NS_S $NS_G; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
  ip link add c0 netns $NS_C type veth peer name r-c netns $NS_R
  ip link add s0 netns $NS_S type veth peer name r-s netns $NS_R
  ip link add g0 netns $NS_G type veth peer name r-g netns $NS_R
  ip -n $NS_C addr add $IP_C/24 dev c0;  ip -n $NS_C link set c0 up
  ip -n $NS_S addr add $IP_S/24 dev s0;  ip -n $NS_S link set s0 up
  ip -n $NS_G addr add $IP_G/24 dev g0;  ip -n $NS_G link set g0 up
  ip -n $NS_R addr add $IP_RC/24 dev r-c; ip -n $NS_R link set r-c up
  ip -n $NS_R addr add $IP_RS/24 dev r-s; ip -n $NS_R link set r-s up
  ip -n $NS_R addr add $IP_RG/24 dev r-g; ip -n $NS_R link set r-g up
  # only routes to the lab prefix 10.77.0.0/16 -- nothing else is reachable
  ip -n $NS_C route add 10.77.0.0/16 via $IP_RC
  ip -n $NS_S route add 10.77.0.0/16 via $IP_RS
  ip -n $NS_G route add 10.77.0.0/16 via $IP_RG
  inr sysctl -qw net.ipv4.ip_forward=1
  for ns in $NS_C $NS_R $NS_S $NS_G; do
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 2>/dev/null
    # no offloads: captures show wire-size segments
    for dev in $(ip -n "$ns" -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -v '^lo$'); do
      ip netns exec "$ns" ethtool -K "$dev" tso off gso off gro off tx off rx off >/dev/null 2>&1 || true
    done
  done
  # Xvfb displays: one in the client ns (for xfreerdp), one in the server ns (for freerdp-shadow)
  inc Xvfb $DISP_C -noreset -nolisten tcp -screen 0 1024x768x24 >"$WORK/xvfb-client.log" 2>&1 &
  ins Xvfb $DISP_S -noreset -nolisten tcp -screen 0 1024x768x24 >"$WORK/xvfb-server.log" 2>&1 &
  sleep 1
}

# reset all impairments to a clean state
net_reset() {
  for ns in $NS_R $NS_S $NS_C; do
    ip netns exec "$ns" iptables -F; ip netns exec "$ns" iptables -X 2>/dev/null
    ip netns exec "$ns" iptables -t mangle -F 2>/dev/null
    ip netns exec "$ns" iptables -P FORWARD ACCEPT; ip netns exec "$ns" iptables -P INPUT ACCEPT; ip netns exec "$ns" iptables -P OUTPUT ACCEPT
  done
  ip -n $NS_R route replace 10.77.1.0/24 dev r-c proto kernel scope link src $IP_RC
  ip -n $NS_R route replace 10.77.2.0/24 dev r-s proto kernel scope link src $IP_RS
  for ns in $NS_C $NS_S $NS_G; do ip -n "$ns" route flush cache 2>/dev/null; done
  ip -n $NS_S route flush cache 2>/dev/null
  # forget learned PMTU values
  for ns in $NS_C $NS_S; do ip netns exec "$ns" ip route flush cache; done
}

# ---------------------------------------------------------------- capture
# cap_start NAME [client|server|both|gw...]  -> starts tcpdump on the endpoint veths
CAP_PIDS=()
cap_start() {
  local name=$1; shift
  local sides=${*:-client server}
  CAP_PIDS=(); CAP_NAME=$name; CAP_SIDES=$sides
  local s
  for s in $sides; do
    local ns dev
    case $s in client) ns=$NS_C dev=c0;; server) ns=$NS_S dev=s0;; gw) ns=$NS_G dev=g0;; router) ns=$NS_R dev=r-c;; esac
    rm -f "$WORK/$name-$s.pcap"
    ip netns exec "$ns" tcpdump -i "$dev" --immediate-mode -s 0 -U -n -w "$WORK/$name-$s.pcap" >"$WORK/$name-$s.tcpdump.log" 2>&1 &
    CAP_PIDS+=($!)
  done
  # wait until every tcpdump reports it is listening
  local i
  for i in $(seq 1 50); do
    local ok=1
    for s in $sides; do grep -q listening "$WORK/$name-$s.tcpdump.log" 2>/dev/null || ok=0; done
    [ $ok = 1 ] && break; sleep 0.1
  done
  sleep 0.3
}

cap_stop() {
  sleep "${1:-1}"
  local p
  for p in "${CAP_PIDS[@]}"; do kill -INT "$p" 2>/dev/null; done
  for p in "${CAP_PIDS[@]}"; do wait "$p" 2>/dev/null; done
  local s
  for s in $CAP_SIDES; do
    editcap -F pcapng "$WORK/$CAP_NAME-$s.pcap" "$OUT/$CAP_NAME-$s.pcapng"
    # sanity check: every packet the filter saw must have been written
    local cap rec
    cap=$(awk '/packets captured/{print $1}' "$WORK/$CAP_NAME-$s.tcpdump.log")
    rec=$(awk '/packets received by filter/{print $1}' "$WORK/$CAP_NAME-$s.tcpdump.log")
    [ "${cap:-0}" = "${rec:-0}" ] || log "WARNING: $CAP_NAME-$s: tcpdump captured $cap of $rec packets"
  done
}

# ---------------------------------------------------------------- clients
# run_xfreerdp NAME SECONDS args...   (runs xfreerdp in the client ns, key-logged)
# sets CLIENT_RC and CLIENT_ERR
run_xfreerdp() {
  local name=$1 secs=$2; shift 2
  rm -f "$OUT/$name.keylog" "$WORK/$name.keylog"
  local t0=$(date +%s.%N)
  inc env DISPLAY=$DISP_C HOME="$WORK/home" LD_PRELOAD="$SHIM" SSLKEYLOGFILE="$WORK/$name.keylog" \
      ${CLIENT_ENV:-} timeout -s TERM "$secs" xfreerdp /log-level:DEBUG "$@" >"$WORK/$name.client.log" 2>&1
  CLIENT_RC=$?
  local t1=$(date +%s.%N)
  CLIENT_SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}')
  CLIENT_CMD="xfreerdp $*"
  mkdir -p "$LOGS"
  grep -E 'ERROR|ERRCONNECT|WARN|freerdp_connect|freerdp_post_connect|\[INFO\]\[com.freerdp.client.x11\]|LOGON|disconnect|errorInfo|Error info' \
      "$WORK/$name.client.log" | grep -v 'com.freerdp.crypto - Certificate' | head -80 >"$LOGS/$name.client.txt"
  local errs clean
  clean=$(tr -d '\r' <"$WORK/$name.client.log" | grep -E 'ERRCONNECT_|ERRINFO_|\[ERROR\]|Error info|error_info' \
         | sed -E 's/.*(\[ERROR\])/\1/' | grep -vE 'resetting error state|com\.freerdp\.utils|winpr_log_backtrace|^\s*$|@@@|@ *$' \
         | sed -E 's/ *$//' | awk '!seen[$0]++')
  # ERRCONNECT_* lines first, then the other [ERROR] lines
  errs=$( { grep -E 'ERRCONNECT_|ERRINFO_' <<<"$clean"; grep -vE 'ERRCONNECT_|ERRINFO_' <<<"$clean"; } | head -6 | paste -sd ';' -)
  local rcdesc="exit code $CLIENT_RC"
  local xf=([128]=PARSE_ARGUMENTS [129]=MEMORY [130]=PROTOCOL [131]=CONN_FAILED [132]=AUTH_FAILURE [133]=NEGO_FAILURE
            [134]=LOGON_FAILURE [135]=ACCOUNT_LOCKED_OUT [136]=PRE_CONNECT_FAILED [137]=CONNECT_UNDEFINED [138]=POST_CONNECT_FAILED
            [139]=DNS_ERROR [140]=DNS_NAME_NOT_FOUND [141]=CONNECT_FAILED [142]=MCS_CONNECT_INITIAL_ERROR [143]=TLS_CONNECT_FAILED
            [144]=INSUFFICIENT_PRIVILEGES [145]=CONNECT_CANCELLED [147]=CONNECT_TRANSPORT_FAILED [154]=CONNECT_WRONG_PASSWORD
            [155]=CONNECT_ACCESS_DENIED [159]=CONNECT_NO_OR_MISSING_CREDENTIALS [255]=UNKNOWN)
  [ -n "${xf[$CLIENT_RC]:-}" ] && rcdesc="exit code $CLIENT_RC (XF_EXIT_${xf[$CLIENT_RC]})"
  [ "$CLIENT_RC" = 124 ] && rcdesc="exit code 124 (killed by lab after ${secs}s: still connected/trying)"
  CLIENT_ERR="$rcdesc after ${CLIENT_SECS}s; ${errs:-no ERRCONNECT/freerdp_connect error line}"
  if [ -s "$WORK/$name.keylog" ]; then cp "$WORK/$name.keylog" "$OUT/$name.keylog"; fi
  log "$name: $CLIENT_ERR"
}

# ---------------------------------------------------------------- metadata
# meta NAME SIDE CAUSE SCENARIO HOWMADE NOTE [extra json]
# writes $META/NAME-SIDE.json ; whatItShows is computed later by summarize
meta() {
  local name=$1 side=$2 cause=$3 scenario=$4 how=$5 note=$6
  mkdir -p "$META"
  local kl=null
  [ -s "$OUT/$name.keylog" ] && kl="\"lab/$name.keylog\""
  NAME="$name" SIDE="$side" CAUSE="$cause" SCEN="$scenario" HOW="$how" NOTE="$note" KL="$kl" \
  CERR="${CLIENT_ERR:-}" CCMD="${CLIENT_CMD:-}" SLOG="${SERVER_LOG:-}" SERVERSW="${SERVER_SW:-}" \
  node -e '
    const e = process.env;
    const o = { file: `lab/${e.NAME}-${e.SIDE}.pcapng`, scenario: e.SCEN, expectedCause: e.CAUSE, side: e.SIDE,
      keylog: JSON.parse(e.KL), howMade: e.HOW, clientCommand: e.CCMD || null, clientError: e.CERR || null,
      serverLog: e.SLOG || null, note: e.NOTE,
      addresses: { client: "10.77.1.2", server: e.SERVERSW === "gw" ? "10.77.3.2" : "10.77.2.2", router: "10.77.1.1 (client side) / 10.77.2.1 (server side) / 10.77.3.1 (gw side)" } };
    require("fs").writeFileSync(`${process.argv[1]}/${e.NAME}-${e.SIDE}.json`, JSON.stringify(o, null, 2));
  ' "$META"
}

# ---------------------------------------------------------------- servers
XRDP_PID=""
# xrdp_start [key=value ...]  : write xrdp.ini with overrides in [Globals] and start xrdp -n in the server ns
xrdp_start() {
  xrdp_stop; shadow_stop
  mkdir -p "$WORK/xrdp"
  local ini="$WORK/xrdp/xrdp.ini"
  cp /etc/xrdp/xrdp.ini "$ini"
  sed -i -e "s|^certificate=.*|certificate=$WORK/certs/server.crt|" -e "s|^key_file=.*|key_file=$WORK/certs/server.key|" \
         -e "s|^LogFile=.*|LogFile=$WORK/xrdp/xrdp.log|" -e "s|^LogLevel=.*|LogLevel=DEBUG|" -e "s|^EnableSyslog=.*|EnableSyslog=false|" "$ini"
  local kv k v
  for kv in "$@"; do
    k=${kv%%=*}; v=${kv#*=}
    if grep -q "^$k=" "$ini"; then sed -i "0,/^$k=/s|^$k=.*|$k=$v|" "$ini"; else sed -i "/^\[Globals\]/a $k=$v" "$ini"; fi
  done
  : >"$WORK/xrdp/xrdp.log"
  mkdir -p /run/xrdp/sockdir; rm -f /run/xrdp/xrdp.pid /var/run/xrdp/xrdp.pid
  ins env ${XRDP_ENV:-} xrdp -n -c "$ini" >"$WORK/xrdp/stdout.log" 2>&1 &
  XRDP_PID=$!
  local i; for i in $(seq 1 50); do ins ss -ltn | grep -q ':3389 ' && break; sleep 0.1; done
}
xrdp_stop() {
  XRDP_PID=""
  ns_kill_comm xrdp
  rm -f /run/xrdp/xrdp.pid
}
# ns_kill_comm COMM [PORT-PATTERN] [NS] : stop every process named COMM inside NS (default: the
# server ns; only processes this lab started live there) and wait until nothing listens on the
# port any more. xrdp forks (even with -n) and keeps per-connection children, nginx has workers,
# so killing the PID we started is not enough.
ns_kill_comm() {
  local comm=$1 pat=${2:-:3389 } ns=${3:-$NS_S} p i
  for i in $(seq 1 30); do
    local left=0
    for p in $(ip netns pids "$ns" 2>/dev/null); do
      if [ "$(cat /proc/$p/comm 2>/dev/null)" = "$comm" ]; then
        left=1
        if [ "$i" -gt 10 ]; then kill -9 "$p" 2>/dev/null; else kill "$p" 2>/dev/null; fi
      fi
    done
    [ $left = 0 ] && ! ip netns exec "$ns" ss -ltun 2>/dev/null | grep -q "$pat" && return 0
    sleep 0.2
  done
}
# xrdp_log_grab : interesting xrdp.log lines -> SERVER_LOG
xrdp_log_grab() {
  SERVER_LOG=$(grep -E '\[(ERROR|WARN |INFO )\]' "$WORK/xrdp/xrdp.log" \
     | grep -vE 'starting xrdp|address \[|listening to port|xrdp_listen_pp|TS_UD_HEADER|Running as user' | cut -c1-220 | head -12)
  mkdir -p "$LOGS"; cp "$WORK/xrdp/xrdp.log" "$LOGS/$1.xrdp.log"
}

SHADOW_PID=""
shadow_start() {
  shadow_stop; xrdp_stop
  ins env DISPLAY=$DISP_S HOME="$WORK/home" ${SHADOW_ENV:-} freerdp-shadow-cli /port:3389 "$@" >"$WORK/shadow.log" 2>&1 &
  SHADOW_PID=$!
  local i; for i in $(seq 1 50); do ins ss -ltn | grep -q ':3389 ' && return 0; sleep 0.1; done
  log "WARNING: freerdp-shadow-cli is not listening on 3389 (see $WORK/shadow.log)"
}
shadow_stop() {
  SHADOW_PID=""
  ns_kill_comm freerdp-shadow-   # /proc/PID/comm is truncated to 15 characters
}
shadow_log_grab() {
  SERVER_LOG=$(tr -d '\r' <"$WORK/shadow.log" | grep -aE '\[(ERROR|WARN)\]' | grep -avE 'x11|XRandR|Xinerama|XFixes|XDamage|XShm|color depth' | cut -c1-220 | head -12)
  mkdir -p "$LOGS"; cp "$WORK/shadow.log" "$LOGS/$1.shadow.log"
}
