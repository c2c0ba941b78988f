# shellcheck shell=bash
# NLA (freerdp-shadow-cli), Kerberos (MIT krb5kdc) and RD Gateway stand-in (nginx) scenarios.

# ------------------------------------------------------------------ freerdp-shadow-cli with NLA
shadow_setup() {
  mkdir -p "$WORK/shadow"
  local nt
  nt=$(printf '%s' "$LAB_PASS" | iconv -t UTF-16LE | openssl dgst -md4 -provider legacy -provider default | awk '{print $NF}')
  # winpr SAM format: User:Domain:LmHash:NtHash:::
  printf '%s:::%s:::\n' "$LAB_USER" "$nt" >"$WORK/shadow/sam"
}

sh_case() { # sh_case NAME CAUSE SCEN SECS "shadow args" HOW NOTE -- xfreerdp args
  local name=$1 cause=$2 scen=$3 secs=$4 sargs=$5 how=$6 note=$7; shift 8
  net_reset
  # shellcheck disable=SC2086
  shadow_start $sargs
  sleep 0.5
  cap_start "$name" client server
  run_xfreerdp "$name" "$secs" "$@"
  cap_stop 1
  shadow_log_grab "$name"; shadow_stop
  finish "$name" "$cause" "$scen" "$how" "$note"
}

sc_shadow() {
  shadow_setup
  sh_case healthy-shadow-nla healthy healthy 6 "/sec:nla +auth /sam-file:$WORK/shadow/sam" \
    "freerdp-shadow-cli (X11 shadow of an Xvfb display in the server ns) /sec:nla +auth with a winpr SAM file (NTLM); xfreerdp /sec:nla /u:$LAB_USER /p:<correct> /cert:ignore; SIGTERM after 6 s" \
    "Healthy NLA control: X.224 selects HYBRID (CredSSP), TLS, CredSSP/NTLM exchange (decryptable with the key log), then the RDP connection sequence reaches active state." \
    -- "${XF_BASE[@]}" /sec:nla /u:$LAB_USER /p:$LAB_PASS
  sh_case credssp-auth-failure-wrongpass credssp-auth-failure credssp-auth-failure 20 "/sec:nla +auth /sam-file:$WORK/shadow/sam" \
    "freerdp-shadow-cli /sec:nla +auth with SAM file; xfreerdp /sec:nla with a WRONG password" \
    "X.224 selects HYBRID, TLS completes, CredSSP NTLM NEGOTIATE/CHALLENGE/AUTHENTICATE(+pubKeyAuth); the server does NOT send a TSRequest with errorCode: it sends TLS close_notify + FIN (then RST). xfreerdp retries once, same result; error surfaces as ERRCONNECT_CONNECT_TRANSPORT_FAILED (not AUTHENTICATION_FAILED). Needs the key log to see CredSSP." \
    -- "${XF_BASE[@]}" /sec:nla /u:$LAB_USER /p:Wrong-Pass-999
  sh_case credssp-auth-failure-unknownuser credssp-auth-failure credssp-auth-failure 20 "/sec:nla +auth /sam-file:$WORK/shadow/sam" \
    "freerdp-shadow-cli /sec:nla +auth with SAM file; xfreerdp /sec:nla with a user that is not in the SAM file" \
    "As wrong-password (NTLM user unknown to the server): close_notify + FIN after the NTLM AUTHENTICATE, no errorCode." \
    -- "${XF_BASE[@]}" /sec:nla /u:nosuchuser /p:$LAB_PASS
  sh_case rdp-negotiation-failure-hybridrequired rdp-negotiation-failure rdp-negotiation-failure 20 "/sec:nla +auth /sam-file:$WORK/shadow/sam" \
    "freerdp-shadow-cli /sec:nla (NLA only); xfreerdp /sec:tls offers only TLS" \
    "X.224 Connection Confirm carries RDP_NEG_FAILURE failureCode 5 (HYBRID_REQUIRED_BY_SERVER)." \
    -- "${XF_BASE[@]}" /sec:tls /u:$LAB_USER /p:$LAB_PASS
  sh_case rdp-negotiation-failure-sslnotallowed rdp-negotiation-failure rdp-negotiation-failure 20 "/sec:rdp" \
    "freerdp-shadow-cli /sec:rdp (standard RDP security only); xfreerdp /sec:tls" \
    "X.224 CC carries RDP_NEG_FAILURE failureCode 2 (SSL_NOT_ALLOWED_BY_SERVER); xfreerdp closes with FIN (ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED)." \
    -- "${XF_BASE[@]}" /sec:tls
  sh_case server-denied-shadow-auth server-denied server-denied 20 "/sec:tls +auth" \
    "freerdp-shadow-cli /sec:tls +auth (no NLA): the server authenticates the Client Info PDU credentials itself (X11 shadow subsystem -> PAM) after the TLS/security phase; user $LAB_USER does not exist on the server host, so authentication fails and the server drops the connection. xfreerdp /sec:tls /u:$LAB_USER /p:<pw>" \
    "TLS, MCS, Client Info, Demand Active/Confirm Active all happen; then the shadow server checks the credentials via PAM (fails after ~3-4 s PAM delay; shadow log: 'client authentication failure: -1') and ends the connection with TLS close_notify + FIN, then RST. No Set Error Info PDU and no MCS Disconnect Provider Ultimatum is sent. xfreerdp: ERRCONNECT_CONNECT_TRANSPORT_FAILED." \
    -- "${XF_BASE[@]}" /sec:tls /u:$LAB_USER /p:$LAB_PASS
}

# ------------------------------------------------------------------ Kerberos (MIT krb5kdc)
KRB=$WORK/krb5
krb_setup() {
  rm -rf "$KRB"; mkdir -p "$KRB"
  cat >"$KRB/kdc.conf" <<EOF
[kdcdefaults]
 kdc_ports = 88
 kdc_tcp_ports = 88
[realms]
 LAB.TEST = {
  database_name = $KRB/principal
  key_stash_file = $KRB/stash
  acl_file = $KRB/kadm5.acl
  supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
 }
[logging]
 kdc = FILE:$KRB/kdc.log
EOF
  krb_client_conf "$KRB/krb5.conf" 1465
  : >"$KRB/kadm5.acl"
  KRB5_CONFIG=$KRB/krb5.conf KRB5_KDC_PROFILE=$KRB/kdc.conf kdb5_util -r LAB.TEST create -s -P master-pw-lab >/dev/null 2>&1
  KRB5_CONFIG=$KRB/krb5.conf KRB5_KDC_PROFILE=$KRB/kdc.conf kadmin.local -r LAB.TEST -q "addprinc -pw $LAB_PASS +requires_preauth $LAB_USER" >/dev/null 2>&1
  KRB5_CONFIG=$KRB/krb5.conf KRB5_KDC_PROFILE=$KRB/kdc.conf kadmin.local -r LAB.TEST -q "addprinc -randkey TERMSRV/server.lab.test" >/dev/null 2>&1
}
krb_client_conf() { # FILE udp_preference_limit
  cat >"$1" <<EOF
[libdefaults]
 default_realm = LAB.TEST
 dns_lookup_kdc = false
 dns_lookup_realm = false
 rdns = false
 udp_preference_limit = $2
 kdc_timesync = 0
 max_retries = 2
[realms]
 LAB.TEST = {
  kdc = $IP_S:88
 }
EOF
}
KDC_PID=""
kdc_start() {
  kdc_stop
  ins env KRB5_CONFIG=$KRB/krb5.conf KRB5_KDC_PROFILE=$KRB/kdc.conf krb5kdc -n -r LAB.TEST >"$KRB/kdc.stdout" 2>&1 &
  KDC_PID=$!
  local i; for i in $(seq 1 50); do ins ss -lun | grep -q ':88 ' && break; sleep 0.1; done
}
kdc_stop() { KDC_PID=""; ns_kill_comm krb5kdc ':88 '; }

# kinit_case NAME CAUSE SCEN CONF "prefix cmd" PRINCIPAL PASSWORD HOW NOTE
# KINIT_LINGER=N keeps capturing N seconds after kinit exits
kinit_case() {
  local name=$1 cause=$2 scen=$3 conf=$4 prefix=$5 princ=$6 pw=$7 how=$8 note=$9
  cap_start "$name" client server
  : >"$KRB/kdc.log.mark"; local before; before=$(wc -l <"$KRB/kdc.log")
  local out rc t0 t1
  t0=$(date +%s.%N)
  # shellcheck disable=SC2086
  out=$(printf '%s\n' "$pw" | inc env KRB5_CONFIG="$conf" KRB5CCNAME="FILE:$KRB/cc-$name" KRB5_TRACE=/dev/stderr $prefix kinit "$princ" 2>"$WORK/$name.krbtrace")
  rc=$?
  t1=$(date +%s.%N)
  cap_stop "${KINIT_LINGER:-1}"
  mkdir -p "$LOGS"; cp "$WORK/$name.krbtrace" "$LOGS/$name.kinit-trace.txt"
  local err; err=$(grep -vE '^\s*\[[0-9]+\] [0-9]' "$WORK/$name.krbtrace" | grep -i '^kinit' | head -3 | paste -sd ';' -)
  CLIENT_CMD="kinit $princ (KRB5_CONFIG=$(basename "$conf")${prefix:+, under: $prefix})"
  CLIENT_ERR="kinit exit code $rc after $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}')s; ${err:-no error message}"
  SERVER_LOG=$(tail -n +"$((before + 1))" "$KRB/kdc.log" | cut -c1-220 | head -10)
  log "$name: $CLIENT_ERR"
  finish "$name" "$cause" "$scen" "$how" "$note"
}

sc_kerberos() {
  krb_setup
  krb_client_conf "$KRB/client-udp.conf" 1465
  krb_client_conf "$KRB/client-tcp.conf" 1
  net_reset; kdc_start
  kinit_case kerberos-healthy-udp healthy healthy "$KRB/client-udp.conf" "" "$LAB_USER" "$LAB_PASS" \
    "MIT krb5kdc (realm LAB.TEST) in the server ns; kinit $LAB_USER with the correct password from the client ns over UDP 88" \
    "Healthy Kerberos control: AS-REQ, KRB-ERROR 25 PREAUTH_REQUIRED, AS-REQ with PA-ENC-TIMESTAMP, AS-REP."
  kinit_case kerberos-clock-skew-udp kerberos-clock-skew kerberos-clock-skew "$KRB/client-udp.conf" "faketime -f +600" "$LAB_USER" "$LAB_PASS" \
    "kinit run under libfaketime with the client clock 10 minutes ahead (faketime -f +600; KDC clockskew 300 s; kdc_timesync=0), UDP" \
    "KDC answers the PA-ENC-TIMESTAMP AS-REQ with KRB-ERROR 37 KRB_AP_ERR_SKEW."
  kinit_case kerberos-clock-skew-tcp kerberos-clock-skew kerberos-clock-skew "$KRB/client-tcp.conf" "faketime -f +600" "$LAB_USER" "$LAB_PASS" \
    "as kerberos-clock-skew-udp but udp_preference_limit=1 forces TCP 88" \
    "KRB-ERROR 37 KRB_AP_ERR_SKEW over TCP 88."
  kinit_case kerberos-error-preauth-failed kerberos-error kerberos-error "$KRB/client-udp.conf" "" "$LAB_USER" "Wrong-Pass-999" \
    "kinit $LAB_USER with a wrong password (UDP)" \
    "KRB-ERROR 24 KDC_ERR_PREAUTH_FAILED after the PA-ENC-TIMESTAMP AS-REQ."
  kinit_case kerberos-error-unknown-principal kerberos-error kerberos-error "$KRB/client-tcp.conf" "" "nosuchuser" "$LAB_PASS" \
    "kinit nosuchuser@LAB.TEST (principal not in the KDC database), TCP 88" \
    "KRB-ERROR 6 KDC_ERR_C_PRINCIPAL_UNKNOWN."
  # IP fragmentation: server-side link MTU 576, so the KDC's UDP replies are fragmented at the source
  ip -n $NS_S link set s0 mtu 576; ip -n $NS_R link set r-s mtu 576
  kinit_case ipfrag-healthy-kerberos-udp healthy healthy "$KRB/client-udp.conf" "" "$LAB_USER" "$LAB_PASS" \
    "server<->router link MTU 576 (s0 and r-s), so the KDC's UDP replies > 576 bytes leave the server as IP fragments; all fragments are forwarded" \
    "Fragmented UDP Kerberos replies from 10.77.2.2 are reassembled at the client; kinit succeeds (IP fragment control)."
  inr iptables -A FORWARD -f -j DROP
  KINIT_LINGER=32 kinit_case ip-fragment-loss-kerberos-tcpfallback ip-fragment-loss ip-fragment-loss "$KRB/client-udp.conf" "" "$LAB_USER" "$LAB_PASS" \
    "server<->router link MTU 576; router FORWARD drops every non-first IP fragment (iptables -f -j DROP); kinit over UDP. The KDC also listens on TCP 88" \
    "The fragmented UDP AS-REP never completes at the client (first fragment only, no reassembly); after ~1 s MIT kinit falls back to TCP 88 and SUCCEEDS there (exit 0). The UDP part shows the fragment loss. Capture continues 32 s after kinit so the client's ICMP type 11 code 1 (fragment reassembly time exceeded, ~30 s after the first fragment, quoting the AS-REP) is included."
  # same, but the KDC does not listen on TCP (UDP-only KDC): kinit fails
  kdc_stop
  sed -i 's/^ kdc_tcp_ports = 88/ kdc_tcp_listen = ""/' "$KRB/kdc.conf"; kdc_start
  KINIT_LINGER=32 kinit_case ip-fragment-loss-kerberos-udponly ip-fragment-loss ip-fragment-loss "$KRB/client-udp.conf" "" "$LAB_USER" "$LAB_PASS" \
    "as ip-fragment-loss-kerberos-tcpfallback, but krb5kdc runs without a TCP listener (kdc_tcp_listen empty), so kinit's TCP fallback is refused" \
    "UDP AS-REP fragments: only first fragments arrive, no reassembly; kinit retries UDP, tries TCP 88 once and gets RST (no TCP listener), keeps retrying UDP and fails with 'Cannot contact any KDC'. Capture continues 32 s after kinit so the client's ICMP type 11 code 1 (fragment reassembly time exceeded) messages are included."
  kdc_stop; sed -i 's/^ kdc_tcp_listen = ""/ kdc_tcp_ports = 88/' "$KRB/kdc.conf"; kdc_start
  inr iptables -F FORWARD
  ip -n $NS_S link set s0 mtu 1500; ip -n $NS_R link set r-s mtu 1500
  kdc_stop
}

# ------------------------------------------------------------------ RD Gateway stand-in (nginx + TLS on 443)
NGX_PID=""
gw_nginx() { # gw_nginx "location body"
  gw_stop
  mkdir -p "$WORK/gw"
  cat >"$WORK/gw/nginx.conf" <<EOF
worker_processes 1; daemon off; pid $WORK/gw/nginx.pid; error_log $WORK/gw/error.log info;
events { worker_connections 64; }
http {
  access_log $WORK/gw/access.log;
  server {
    listen $IP_G:443 ssl;
    ssl_certificate $WORK/certs/server.crt; ssl_certificate_key $WORK/certs/server.key;
    location / { $1 }
  }
}
EOF
  : >"$WORK/gw/access.log"
  ing nginx -c "$WORK/gw/nginx.conf" >"$WORK/gw/stdout" 2>&1 &
  NGX_PID=$!
  local i; for i in $(seq 1 50); do ing ss -ltn | grep -q ':443 ' && break; sleep 0.1; done
}
gw_stop() { NGX_PID=""; ns_kill_comm nginx ':443 ' $NS_G; }

gw_case() { # gw_case NAME CAUSE SCEN SECS HOW NOTE -- xfreerdp args
  local name=$1 cause=$2 scen=$3 secs=$4 how=$5 note=$6; shift 7
  cap_start "$name" client gw
  run_xfreerdp "$name" "$secs" "$@"
  cap_stop 1
  SERVER_LOG=$(cut -c1-220 "$WORK/gw/access.log" 2>/dev/null | head -8)
  SERVER_SW=gw
  local s; for s in $CAP_SIDES; do
    [ "$s" = gw ] && { mv "$OUT/$name-gw.pcapng" "$OUT/$name-server.pcapng"; }
  done
  CAP_SIDES="client server"
  finish "$name" "$cause" "$scen" "$how" "$note"
}

sc_gateway() {
  net_reset; xrdp_start
  local GWARGS=(/v:$IP_S /cert:ignore /sec:tls /g:$IP_G:443 /gu:$LAB_USER /gp:$LAB_PASS /gt:http)
  gw_nginx "add_header WWW-Authenticate 'Negotiate' always; add_header WWW-Authenticate 'NTLM' always; return 401;"
  gw_case gateway-auth-failure-401 gateway-auth-failure gateway-auth-failure 20 \
    "nginx (TLS, 443) in the gw ns stands in for an RD Gateway and answers every request with 401 + WWW-Authenticate: Negotiate / NTLM; xfreerdp /g:10.77.3.2:443 /gt:http (MS-TSGU HTTP transport); key-logged so the HTTP is readable" \
    "Client's RDG_OUT_DATA request(s) answered with HTTP 401 (decrypt with the key log); no traffic to the RDP server." \
    -- "${GWARGS[@]}"
  gw_nginx "return 403;"
  gw_case gateway-denied-403 gateway-denied gateway-denied 20 \
    "nginx gateway stand-in answers every request with HTTP 403 Forbidden; xfreerdp /gt:http" \
    "Client's RDG_OUT_DATA request answered with HTTP 403." \
    -- "${GWARGS[@]}"
  gw_nginx "return 503;"
  gw_case gateway-denied-503 gateway-denied gateway-denied 20 \
    "nginx gateway stand-in answers every request with HTTP 503 Service Unavailable; xfreerdp /gt:http" \
    "Client's RDG_OUT_DATA request answered with HTTP 503 (gateway refuses service)." \
    -- "${GWARGS[@]}"
  gw_stop
  gw_case gateway-unreachable-closed gateway-unreachable gateway-unreachable 30 \
    "nothing listening on 10.77.3.2:443 (gw kernel answers RST); xfreerdp /g:10.77.3.2:443 /gt:http" \
    "SYNs to 10.77.3.2:443 answered by RST,ACK from the gateway host; the RDP server 10.77.2.2 is never contacted." \
    -- "${GWARGS[@]}"
  gw_nginx "return 401;"
  inr iptables -A FORWARD -d $IP_G -p tcp --dport 443 -j DROP
  gw_case gateway-unreachable-drop gateway-unreachable gateway-unreachable 60 \
    "router drops everything to 10.77.3.2:443; xfreerdp /g:10.77.3.2:443 /gt:http" \
    "SYN retransmissions to 10.77.3.2:443 with no answer; the gateway capture shows nothing." \
    -- "${GWARGS[@]}"
  gw_stop; net_reset; xrdp_stop
}
