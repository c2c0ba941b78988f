#!/usr/bin/env bash
# apt packages needed by the rdpdiag capture lab (Debian 12 bookworm). Run as root.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
PKGS=(
  xrdp                 # RDP server (TLS / standard RDP security)
  freerdp2-x11         # xfreerdp client
  freerdp2-shadow-x11  # freerdp-shadow-cli: NLA/CredSSP-capable server
  xvfb xauth           # X displays for xfreerdp and freerdp-shadow-cli
  iproute2 iptables ethtool iputils-ping
  krb5-kdc krb5-user krb5-admin-server   # MIT KDC, kinit, kdb5_util/kadmin.local
  faketime             # client clock skew for Kerberos
  nginx-light          # RD Gateway stand-in and plain-HTTP traffic
  curl
  tcpdump tshark       # capture + editcap/dumpcap + verification
  openssl libssl-dev gcc libc6-dev   # key-log LD_PRELOAD shim
  libnetfilter-queue-dev             # optional (NFQUEUE delay helper; not used by current scenarios)
  # (Node.js >= 18 is also needed for build-manifest.mjs; the project already requires Node 20)
)
apt-get update
apt-get install -y --no-install-recommends "${PKGS[@]}"
