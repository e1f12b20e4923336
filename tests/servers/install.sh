#!/usr/bin/env bash
# Installs (with apt-get, only what is missing) every Debian package the
# integration, end-to-end and benchmark tests need. Quick no-op when all is
# installed. Package postinst scripts must never start vsftpd/sshd/tftpd on
# their default ports, so a policy-rc.d that denies service starts (exit 101)
# is in place for the duration of the install.
set -euo pipefail

PACKAGES=(
  vsftpd openssh-server openssh-client tftpd-hpa atftp tftp-hpa lftp
  curl openssl chromium hyperfine iproute2 procps time
  libwrap0 libpcre2-8-0
  libhiredis0.14 libmemcached11 libmemcachedutil2 libpcre2-posix3
)
POLICY=/usr/sbin/policy-rc.d
# atftpd conflicts with tftpd-hpa as a package, so it is unpacked (never
# installed) into a folder of its own; tests/servers/tftp-peer.sh runs it
# from there. libwrap0 and libpcre2-8-0 above are its libraries.
ATFTPD_DIR=${FERRY_TEST_TOOLS_DIR:-/opt/ferry-test-tools}/atftpd
atftpd_missing() { [[ ! -x "$ATFTPD_DIR/usr/sbin/atftpd" ]]; }
# proftpd (a second FTP server for the FTP tests) conflicts with vsftpd, so it
# is unpacked the same way; tests/servers/start-proftpd.sh runs it. The
# libhiredis/libmemcached/libpcre2-posix packages above are its libraries.
PROFTPD_DIR=${FERRY_TEST_TOOLS_DIR:-/opt/ferry-test-tools}/proftpd
proftpd_missing() { [[ ! -x "$PROFTPD_DIR/usr/sbin/proftpd" ]]; }

missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == installed ]] || missing+=("$pkg")
done

if ((${#missing[@]} == 0)) && ! atftpd_missing && ! proftpd_missing; then
  echo "install.sh: all test packages already installed"
  exit 0
fi

echo "install.sh: installing ${missing[*]}$(atftpd_missing && echo ' atftpd (unpacked)')$(proftpd_missing && echo ' proftpd (unpacked)')"

SUDO=()
if [[ $EUID -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
  else
    echo "install.sh: must run as root (or with passwordless sudo) to install: ${missing[*]}" >&2
    exit 1
  fi
fi

# Deny service starts while installing. Keep an existing policy-rc.d if it
# already denies (exit 101); otherwise put ours in place and restore afterwards.
policy_backup=""
policy_created=0
restore_policy() {
  if ((policy_created)); then
    "${SUDO[@]}" rm -f "$POLICY"
    if [[ -n "$policy_backup" ]]; then
      "${SUDO[@]}" mv -f "$policy_backup" "$POLICY"
    fi
  fi
}
trap restore_policy EXIT

policy_rc=0
if [[ -x "$POLICY" ]]; then
  "$POLICY" vsftpd start >/dev/null 2>&1 </dev/null || policy_rc=$?
fi
if [[ ! -x "$POLICY" || $policy_rc -ne 101 ]]; then
  if [[ -e "$POLICY" ]]; then
    policy_backup="$POLICY.ferry-backup.$$"
    "${SUDO[@]}" mv -f "$POLICY" "$policy_backup"
  fi
  policy_created=1
  printf '#!/bin/sh\n# Temporary, from Ferry tests/servers/install.sh: no service starts.\nexit 101\n' |
    "${SUDO[@]}" tee "$POLICY" >/dev/null
  "${SUDO[@]}" chmod 755 "$POLICY"
fi

export DEBIAN_FRONTEND=noninteractive
APT_OPTS=(-y -q --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)

"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null
if ((${#missing[@]} > 0)); then
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install "${APT_OPTS[@]}" "${missing[@]}" </dev/null
fi
if atftpd_missing; then
  atftpd_deb=$(mktemp -d)
  (cd "$atftpd_deb" && "${SUDO[@]}" apt-get download -q atftpd </dev/null)
  "${SUDO[@]}" mkdir -p "$ATFTPD_DIR"
  "${SUDO[@]}" dpkg -x "$atftpd_deb"/atftpd_*.deb "$ATFTPD_DIR"
  rm -rf "$atftpd_deb"
fi
if proftpd_missing; then
  proftpd_deb=$(mktemp -d)
  (cd "$proftpd_deb" && "${SUDO[@]}" apt-get download -q proftpd-core </dev/null)
  "${SUDO[@]}" mkdir -p "$PROFTPD_DIR"
  "${SUDO[@]}" dpkg -x "$proftpd_deb"/proftpd-core_*.deb "$PROFTPD_DIR"
  rm -rf "$proftpd_deb"
fi

echo "install.sh: done"
