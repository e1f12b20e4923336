#!/usr/bin/env bash
# Installs (with apt-get, only what is missing) every Debian package the
# integration, end-to-end and benchmark tests need. Quick no-op when all is
# installed. Package postinst scripts must never start vsftpd/sshd/tftpd on
# their default ports, so a policy-rc.d that denies service starts (exit 101)
# is in place for the duration of the install.
set -euo pipefail

PACKAGES=(
  vsftpd openssh-server openssh-client tftpd-hpa atftp tftp-hpa lftp
  curl openssl chromium hyperfine iproute2 procps
)
POLICY=/usr/sbin/policy-rc.d

missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == installed ]] || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
  echo "install.sh: all test packages already installed"
  exit 0
fi

echo "install.sh: installing ${missing[*]}"

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
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install "${APT_OPTS[@]}" "${missing[@]}" </dev/null

echo "install.sh: done"
