#!/usr/bin/env bash
# rdpdiag capture lab: (re)creates the network namespaces, runs every scenario
# (or only the sc_* functions named on the command line), then rebuilds
# captures/manifest.json and captures/MANIFEST.md.  Must run as root.
#   bash test/lab/run-all.sh                 # everything
#   bash test/lab/run-all.sh sc_healthy_xrdp # one scenario group
set -u
LAB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$LAB_DIR/lib.sh"
# shellcheck source=scenarios.sh
source "$LAB_DIR/scenarios.sh"
# shellcheck source=scenarios-auth.sh
source "$LAB_DIR/scenarios-auth.sh"
# Further scenario groups live one file each (scenarios-<topic>.sh); each appends its sc_* names to EXTRA.
EXTRA=()
for f in "$LAB_DIR"/scenarios-*.sh; do
  case "$f" in */scenarios-auth.sh) continue ;; esac
  # shellcheck disable=SC1090
  source "$f"
done

[ "$(id -u)" = 0 ] || { echo "run-all.sh must run as root (network namespaces, iptables)" >&2; exit 1; }
for t in xrdp xfreerdp freerdp-shadow-cli Xvfb tcpdump editcap tshark iptables krb5kdc kinit faketime nginx gcc curl ethtool; do
  command -v "$t" >/dev/null || { echo "missing $t - run test/lab/install-deps.sh" >&2; exit 1; }
done

ALL=(sc_healthy_xrdp sc_healthy_pmtud sc_healthy_lightloss sc_tcp_timeout sc_tcp_refused sc_icmp_unreach
     sc_middlebox_reset sc_server_reset sc_negfail sc_tls_version sc_tls_handshake sc_mtu_blackhole
     sc_packet_loss sc_path_lost sc_shadow sc_kerberos sc_gateway sc_no_rdp "${EXTRA[@]}")
if [ $# -gt 0 ]; then LIST=("$@"); else LIST=("${ALL[@]}"); fi

# One lab at a time on this machine: the namespaces, xrdp's pid files and /tmp work dirs are shared.
exec 9>/tmp/rdpdiag-lab.lock
flock 9

T0=$(date +%s)
mkdir -p "$WORK/home" "$WORK/certs" "$OUT" "$META" "$LOGS"
if [ $# -eq 0 ]; then rm -rf "${OUT:?}"/*.pcapng "${OUT:?}"/*.keylog "$META" "$LOGS"; mkdir -p "$META" "$LOGS"; fi

# key-log shim
gcc -shared -fPIC -O2 -Wall -o "$SHIM" "$LAB_DIR/shim/sslkeylog.c" -ldl -lssl
# server certificate (RSA 4096 so the server's TLS flight is > 1 MTU)
[ -s "$WORK/certs/server.crt" ] || openssl req -x509 -newkey rsa:4096 -nodes -days 3650 -subj "/CN=rdpdiag-lab-server" \
    -keyout "$WORK/certs/server.key" -out "$WORK/certs/server.crt" 2>/dev/null

trap 'xrdp_stop; shadow_stop; topo_down' EXIT
topo_up
for sc in "${LIST[@]}"; do
  log "=== $sc"
  "$sc"
done
xrdp_stop; shadow_stop
topo_down
trap - EXIT

# derived files: a pcapng with the key log embedded as a Decryption Secrets Block, and the README sample
derive() { # derive SRC_NAME DST_FILE_BASE NOTE_PREFIX KEYLOG_FIELD(null|same)
  local src=$1 dst=$2
  [ -s "$META/$src.json" ] || return 0
  SRC="$META/$src.json" DST="$dst" NOTEP="$3" KLF="$4" META="$META" node -e '
    const fs = require("fs"); const e = process.env;
    const m = JSON.parse(fs.readFileSync(e.SRC, "utf8"));
    m.derivedFrom = m.file; m.file = `lab/${e.DST}.pcapng`;
    if (e.KLF === "null") m.keylog = null;
    m.note = `${e.NOTEP} ${m.note}`;
    fs.writeFileSync(`${e.META}/${e.DST}.json`, JSON.stringify(m, null, 2));'
}
if [ -s "$OUT/healthy-shadow-nla-client.pcapng" ] && [ -s "$OUT/healthy-shadow-nla.keylog" ]; then
  editcap --inject-secrets "tls,$OUT/healthy-shadow-nla.keylog" "$OUT/healthy-shadow-nla-client.pcapng" "$OUT/healthy-shadow-nla-client-dsb.pcapng"
  derive healthy-shadow-nla-client healthy-shadow-nla-client-dsb "[Same packets as healthy-shadow-nla-client.pcapng, with the TLS key log embedded as a pcapng Decryption Secrets Block (editcap --inject-secrets); no separate key log needed.]" null
fi
if [ -s "$OUT/middlebox-reset-cookie-client.pcapng" ]; then
  cp "$OUT/middlebox-reset-cookie-client.pcapng" "$OUT/sample-middlebox-reset-client.pcapng"
  derive middlebox-reset-cookie-client sample-middlebox-reset-client "[README sample: copy of middlebox-reset-cookie-client.pcapng.]" same
fi

node "$LAB_DIR/build-manifest.mjs"
log "done in $(( $(date +%s) - T0 )) s"
