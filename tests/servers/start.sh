#!/usr/bin/env bash
# Starts the real servers the integration tests talk to, all on 127.0.0.1 and
# on fixed high ports, with everything (config, keys, certs, pids, logs,
# server roots) in one throwaway folder that is wiped on each start:
#
#   vsftpd  plain FTP + explicit FTPS (AUTH TLS)  $FERRY_FTP_PORT            (2121)
#   vsftpd  implicit FTPS                         $FERRY_FTPS_IMPLICIT_PORT  (9990)
#   sshd    SFTP (internal-sftp)                  $FERRY_SFTP_PORT           (2222)
#   tftpd   TFTP (tftpd-hpa, UDP)                 $FERRY_TFTP_PORT           (6969)
#
# Tests read $FERRY_TEST_SERVERS_DIR/state.json (see config.ts).
# Usage: start.sh [--restart]      Needs root (users, chroot, PAM).
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/servers/common.sh
source "$SCRIPT_DIR/common.sh"

RESTART=0
for arg in "$@"; do
  case "$arg" in
    --restart) RESTART=1 ;;
    -h | --help) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "start.sh: unknown argument '$arg' (use --restart)" >&2; exit 2 ;;
  esac
done

HOST=127.0.0.1
FTP_PORT=${FERRY_FTP_PORT:-2121}
FTPS_PORT=${FERRY_FTPS_IMPLICIT_PORT:-9990}
SFTP_PORT=${FERRY_SFTP_PORT:-2222}
TFTP_PORT=${FERRY_TFTP_PORT:-6969}
FTP_PASV_MIN=${FERRY_FTP_PASV_MIN:-40000}
FTP_PASV_MAX=${FERRY_FTP_PASV_MAX:-40099}
FTPS_PASV_MIN=${FERRY_FTPS_PASV_MIN:-40100}
FTPS_PASV_MAX=${FERRY_FTPS_PASV_MAX:-40199}
START_TIMEOUT=${FERRY_TEST_SERVERS_TIMEOUT:-15}
PASSWORD_USER=ferrytest
KEY_USER=ferrykey

for n in "$FTP_PORT" "$FTPS_PORT" "$SFTP_PORT" "$TFTP_PORT" "$FTP_PASV_MIN" "$FTP_PASV_MAX" \
  "$FTPS_PASV_MIN" "$FTPS_PASV_MAX" "$START_TIMEOUT"; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "start.sh: '$n' is not a number (check FERRY_* env)" >&2; exit 2; }
done

fail() { echo "start.sh: $*" >&2; exit 1; }

for port in "$FTP_PORT" "$FTPS_PORT" "$SFTP_PORT" "$TFTP_PORT" "$FTP_PASV_MIN" "$FTP_PASV_MAX" "$FTPS_PASV_MIN" "$FTPS_PASV_MAX"; do
  ((port >= 1024 && port <= 65535)) || fail "port $port is outside 1024-65535 (check FERRY_*_PORT env)"
done
((FTP_PASV_MIN <= FTP_PASV_MAX && FTPS_PASV_MIN <= FTPS_PASV_MAX)) || fail "passive port range min > max"

if ((RESTART == 0)) && ferry_all_running; then
  echo "start.sh: test servers already running (state: $FERRY_STATE); use --restart to restart"
  exit 0
fi

[[ $EUID -eq 0 ]] || fail "must run as root (creates users, sets passwords, runs sshd/vsftpd)"
for bin in /usr/sbin/vsftpd /usr/sbin/sshd /usr/sbin/in.tftpd ssh-keygen openssl useradd usermod chpasswd ss setsid; do
  command -v "$bin" >/dev/null 2>&1 || fail "'$bin' not found; run: bash tests/servers/install.sh"
done

# Stop whatever a previous run left, then wipe the folder. Refuse to wipe a
# folder that is not ours.
"$SCRIPT_DIR/stop.sh" >/dev/null
if [[ -e "$FERRY_DIR" ]]; then
  if [[ ! -f "$FERRY_DIR/.ferry-test-servers" ]] && [[ -n "$(ls -A "$FERRY_DIR")" ]]; then
    fail "$FERRY_DIR exists, is not empty and was not made by start.sh; refusing to wipe it"
  fi
  rm -rf -- "$FERRY_DIR"
fi

# Ports must be free (something else may hold them, e.g. a server from a run
# whose folder was deleted by hand).
port_holder() { # proto port -> prints ss lines of listeners on that port
  ss -Hln"$1"p "sport = :$2" 2>/dev/null || true
}
for spec in "t $FTP_PORT" "t $FTPS_PORT" "t $SFTP_PORT" "u $TFTP_PORT"; do
  read -r proto port <<<"$spec"
  holder=$(port_holder "$proto" "$port")
  [[ -z "$holder" ]] || fail "port $port is already in use:"$'\n'"$holder"
done

umask 022
mkdir -p "$FERRY_DIR"
chmod 755 "$FERRY_DIR" # the test users must traverse it to reach their homes
touch "$FERRY_DIR/.ferry-test-servers"
mkdir -p "$FERRY_RUN_DIR" "$FERRY_DIR/logs" "$FERRY_DIR/home" "$FERRY_DIR/tls" \
  "$FERRY_DIR/keys" "$FERRY_DIR/ssh/authorized_keys" "$FERRY_DIR/vsftpd/empty" "$FERRY_DIR/tftp"
chmod 700 "$FERRY_DIR/keys" "$FERRY_DIR/tls"
chmod 555 "$FERRY_DIR/vsftpd/empty" # vsftpd's secure_chroot_dir: root-owned, not writable

random_secret() { openssl rand -hex 16; }

# --- Users -------------------------------------------------------------------
grep -qxF /bin/bash /etc/shells || echo /bin/bash >>/etc/shells # pam_shells (vsftpd)

ensure_user() { # name home
  local user=$1 home=$2 current
  if ! getent passwd "$user" >/dev/null; then
    useradd --no-create-home --user-group --home-dir "$home" --shell /bin/bash \
      --comment "Ferry test user (throwaway)" "$user"
  else
    current=$(getent passwd "$user" | cut -d: -f6,7)
    # usermod fails while the user has processes, so only call it when needed.
    [[ "$current" == "$home:/bin/bash" ]] || usermod --home "$home" --shell /bin/bash "$user"
  fi
  # pam_listfile in /etc/pam.d/vsftpd denies users listed in /etc/ftpusers.
  if [[ -f /etc/ftpusers ]] && grep -qxF "$user" /etc/ftpusers; then
    sed -i "/^${user}\$/d" /etc/ftpusers
  fi
  mkdir -p "$home"
  chown "$user:$user" "$home"
  chmod 755 "$home"
}

PASSWORD_USER_HOME="$FERRY_DIR/home/$PASSWORD_USER"
KEY_USER_HOME="$FERRY_DIR/home/$KEY_USER"
ensure_user "$PASSWORD_USER" "$PASSWORD_USER_HOME"
ensure_user "$KEY_USER" "$KEY_USER_HOME"
PASSWORD_USER_PASSWORD=$(random_secret)
KEY_USER_PASSWORD=$(random_secret)
printf '%s:%s\n%s:%s\n' "$PASSWORD_USER" "$PASSWORD_USER_PASSWORD" "$KEY_USER" "$KEY_USER_PASSWORD" | chpasswd
# Never let an expiry policy or a previous lock get in the way.
chage -E -1 -M -1 "$PASSWORD_USER" 2>/dev/null || true
chage -E -1 -M -1 "$KEY_USER" 2>/dev/null || true

# --- Keys and certificate ------------------------------------------------------
KEY_PATH="$FERRY_DIR/keys/${KEY_USER}_ed25519"
ENCRYPTED_KEY_PATH="$FERRY_DIR/keys/${KEY_USER}_ed25519_encrypted"
KEY_PASSPHRASE=$(random_secret)
ssh-keygen -q -t ed25519 -N '' -C "$KEY_USER@ferry-test" -f "$KEY_PATH"
cp "$KEY_PATH" "$ENCRYPTED_KEY_PATH"
ssh-keygen -q -p -P '' -N "$KEY_PASSPHRASE" -f "$ENCRYPTED_KEY_PATH" >/dev/null
chmod 600 "$KEY_PATH" "$ENCRYPTED_KEY_PATH"
install -m 644 "$KEY_PATH.pub" "$FERRY_DIR/ssh/authorized_keys/$KEY_USER"
: >"$FERRY_DIR/ssh/authorized_keys/$PASSWORD_USER"
chmod 644 "$FERRY_DIR/ssh/authorized_keys/$PASSWORD_USER"

HOST_KEY_PATH="$FERRY_DIR/ssh/ssh_host_ed25519_key"
ssh-keygen -q -t ed25519 -N '' -C "ferry-test-sshd" -f "$HOST_KEY_PATH"
chmod 600 "$HOST_KEY_PATH"
HOST_KEY_FINGERPRINT=$(ssh-keygen -l -E sha256 -f "$HOST_KEY_PATH.pub" | awk '{print $2}')

CERT_PATH="$FERRY_DIR/tls/cert.pem"
CERT_KEY_PATH="$FERRY_DIR/tls/key.pem"
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 30 \
  -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$CERT_KEY_PATH" -out "$CERT_PATH" 2>/dev/null
chmod 600 "$CERT_KEY_PATH"
chmod 644 "$CERT_PATH"
chmod 755 "$FERRY_DIR/tls" # the cert itself is public; the key stays 0600
CERT_FINGERPRINT=$(openssl x509 -in "$CERT_PATH" -noout -fingerprint -sha256 | cut -d= -f2)

# --- vsftpd ------------------------------------------------------------------------
PAM_SERVICE=vsftpd
if [[ ! -f /etc/pam.d/vsftpd ]]; then
  # Same rules as Debian's /etc/pam.d/vsftpd, under our own name.
  PAM_SERVICE=ferry-test-vsftpd
  cat >"/etc/pam.d/$PAM_SERVICE" <<'EOF'
# Written by Ferry tests/servers/start.sh (copy of Debian's vsftpd rules).
auth	required	pam_listfile.so item=user sense=deny file=/etc/ftpusers onerr=succeed
@include common-account
@include common-session
@include common-auth
auth	required	pam_shells.so
EOF
fi

write_vsftpd_conf() { # name port implicit(YES/NO) pasv_min pasv_max
  local name=$1 port=$2 implicit=$3 pmin=$4 pmax=$5
  cat >"$FERRY_DIR/vsftpd/$name.conf" <<EOF
# Generated by Ferry tests/servers/start.sh; wiped on every start.
listen=YES
listen_ipv6=NO
listen_address=$HOST
listen_port=$port
background=NO
seccomp_sandbox=NO
secure_chroot_dir=$FERRY_DIR/vsftpd/empty
pam_service_name=$PAM_SERVICE

anonymous_enable=NO
local_enable=YES
write_enable=YES
local_umask=022
chroot_local_user=NO
userlist_enable=NO
dirmessage_enable=NO
use_localtime=NO

pasv_enable=YES
pasv_address=$HOST
pasv_min_port=$pmin
pasv_max_port=$pmax
port_enable=YES
connect_from_port_20=NO

ssl_enable=YES
implicit_ssl=$implicit
allow_anon_ssl=NO
force_local_logins_ssl=NO
force_local_data_ssl=NO
require_ssl_reuse=YES
ssl_sslv2=NO
ssl_sslv3=NO
ssl_tlsv1=YES
ssl_ciphers=HIGH:!aNULL:!MD5
ssl_request_cert=NO
rsa_cert_file=$CERT_PATH
rsa_private_key_file=$CERT_KEY_PATH

syslog_enable=NO
xferlog_enable=YES
xferlog_std_format=NO
dual_log_enable=YES
log_ftp_protocol=YES
xferlog_file=$FERRY_DIR/logs/$name.xferlog
vsftpd_log_file=$FERRY_DIR/logs/$name.log
EOF
}
write_vsftpd_conf vsftpd-ftp "$FTP_PORT" NO "$FTP_PASV_MIN" "$FTP_PASV_MAX"
write_vsftpd_conf vsftpd-ftps-implicit "$FTPS_PORT" YES "$FTPS_PASV_MIN" "$FTPS_PASV_MAX"

# --- sshd ----------------------------------------------------------------------
mkdir -p /run/sshd
chmod 755 /run/sshd
SSHD_CONFIG="$FERRY_DIR/ssh/sshd_config"
cat >"$SSHD_CONFIG" <<EOF
# Generated by Ferry tests/servers/start.sh; wiped on every start.
Port $SFTP_PORT
ListenAddress $HOST
AddressFamily inet
HostKey $HOST_KEY_PATH
PidFile $FERRY_DIR/ssh/sshd.pid
PasswordAuthentication yes
KbdInteractiveAuthentication yes
PubkeyAuthentication yes
PermitEmptyPasswords no
PermitRootLogin no
AllowUsers $PASSWORD_USER $KEY_USER
AuthorizedKeysFile $FERRY_DIR/ssh/authorized_keys/%u
StrictModes no
UsePAM yes
Subsystem sftp internal-sftp
UseDNS no
PrintMotd no
PrintLastLog no
X11Forwarding no
MaxStartups 64:30:128
MaxSessions 32
LogLevel VERBOSE
EOF
/usr/sbin/sshd -t -f "$SSHD_CONFIG" || fail "sshd rejected $SSHD_CONFIG"

# --- tftpd ---------------------------------------------------------------------
TFTP_ROOT="$FERRY_DIR/tftp"
TFTP_USER=tftp
getent passwd "$TFTP_USER" >/dev/null || TFTP_USER=nobody
chown "$TFTP_USER:" "$TFTP_ROOT"
chmod 777 "$TFTP_ROOT" # tftpd (as $TFTP_USER) creates uploads; tests write fixtures

# --- Launch ------------------------------------------------------------------------
STARTED=()
cleanup_on_failure() {
  local rc=$?
  if ((rc != 0)); then
    local name
    for name in "${STARTED[@]}"; do ferry_stop_server "$name" >/dev/null; done
  fi
}
trap cleanup_on_failure EXIT

launch() { # name log command...
  local name=$1 log=$2
  shift 2
  # setsid: own process group (stop.sh kills the group), no controlling tty,
  # so a Ctrl-C in the calling terminal does not take the servers down.
  setsid "$@" >"$log" 2>&1 </dev/null &
  echo $! >"$FERRY_RUN_DIR/$name.pid"
  STARTED+=("$name")
}

launch vsftpd-ftp "$FERRY_DIR/logs/vsftpd-ftp.stdio.log" \
  /usr/sbin/vsftpd "$FERRY_DIR/vsftpd/vsftpd-ftp.conf"
launch vsftpd-ftps-implicit "$FERRY_DIR/logs/vsftpd-ftps-implicit.stdio.log" \
  /usr/sbin/vsftpd "$FERRY_DIR/vsftpd/vsftpd-ftps-implicit.conf"
launch sshd "$FERRY_DIR/logs/sshd.log" \
  /usr/sbin/sshd -D -e -f "$SSHD_CONFIG"
launch tftpd "$FERRY_DIR/logs/tftpd.log" \
  /usr/sbin/in.tftpd --foreground --ipv4 --address "$HOST:$TFTP_PORT" --secure --create \
  --permissive --umask 022 --user "$TFTP_USER" --verbose "$TFTP_ROOT"

# --- Wait for every port -------------------------------------------------------
listening_on() { # proto port -> true if something listens on $HOST:port
  ss -Hln"$1" "sport = :$2" 2>/dev/null | awk '{print $4}' | grep -qxF "$HOST:$2"
}
log_tail() { # name log
  echo "---- last lines of $2 ----" >&2
  tail -n 20 "$2" >&2 2>/dev/null || echo "(no log)" >&2
}
wait_for() { # name proto port log
  local name=$1 proto=$2 port=$3 log=$4 deadline pid
  pid=$(<"$FERRY_RUN_DIR/$name.pid")
  deadline=$((SECONDS + START_TIMEOUT))
  until listening_on "$proto" "$port"; do
    if ! ferry_pid_alive "$pid"; then
      echo "start.sh: $name (pid $pid) exited before listening on $HOST:$port" >&2
      log_tail "$name" "$log"
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      echo "start.sh: $name (pid $pid) not listening on $HOST:$port after ${START_TIMEOUT}s" >&2
      log_tail "$name" "$log"
      exit 1
    fi
    sleep 0.05
  done
}
wait_for vsftpd-ftp t "$FTP_PORT" "$FERRY_DIR/logs/vsftpd-ftp.stdio.log"
wait_for vsftpd-ftps-implicit t "$FTPS_PORT" "$FERRY_DIR/logs/vsftpd-ftps-implicit.stdio.log"
wait_for sshd t "$SFTP_PORT" "$FERRY_DIR/logs/sshd.log"
wait_for tftpd u "$TFTP_PORT" "$FERRY_DIR/logs/tftpd.log"

# --- state.json --------------------------------------------------------------------
json() { # JSON string literal
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  printf '"%s"' "$s"
}
pid_of() { cat "$FERRY_RUN_DIR/$1.pid"; }
user_json() { # name password home [extra json members]
  printf '{ "name": %s, "password": %s, "uid": %s, "gid": %s, "home": %s%s }' \
    "$(json "$1")" "$(json "$2")" "$(id -u "$1")" "$(id -g "$1")" "$(json "$3")" "${4:-}"
}
vsftpd_json() { # name port implicit(true/false) pasv_min pasv_max
  local L="$FERRY_DIR/logs/$1"
  printf '{ "port": %s, "implicitTls": %s, "pid": %s, "configPath": %s, "passivePorts": { "min": %s, "max": %s }, "logPath": %s, "xferLogPath": %s, "stdioLogPath": %s }' \
    "$2" "$3" "$(pid_of "$1")" "$(json "$FERRY_DIR/vsftpd/$1.conf")" "$4" "$5" \
    "$(json "$L.log")" "$(json "$L.xferlog")" "$(json "$L.stdio.log")"
}

KEY_USER_JSON=$(user_json "$KEY_USER" "$KEY_USER_PASSWORD" "$KEY_USER_HOME" \
  ", \"privateKeyPath\": $(json "$KEY_PATH"), \"publicKeyPath\": $(json "$KEY_PATH.pub"), \"encryptedPrivateKeyPath\": $(json "$ENCRYPTED_KEY_PATH"), \"passphrase\": $(json "$KEY_PASSPHRASE")")
tmp_state="$FERRY_STATE.tmp"
cat >"$tmp_state" <<EOF
{
  "version": 1,
  "dir": $(json "$FERRY_DIR"),
  "host": $(json "$HOST"),
  "startedAt": $(json "$(date -u +%Y-%m-%dT%H:%M:%SZ)"),
  "users": {
    "password": $(user_json "$PASSWORD_USER" "$PASSWORD_USER_PASSWORD" "$PASSWORD_USER_HOME"),
    "key": $KEY_USER_JSON
  },
  "tls": {
    "certPath": $(json "$CERT_PATH"),
    "keyPath": $(json "$CERT_KEY_PATH"),
    "fingerprint256": $(json "$CERT_FINGERPRINT")
  },
  "ftp": $(vsftpd_json vsftpd-ftp "$FTP_PORT" false "$FTP_PASV_MIN" "$FTP_PASV_MAX"),
  "ftpsImplicit": $(vsftpd_json vsftpd-ftps-implicit "$FTPS_PORT" true "$FTPS_PASV_MIN" "$FTPS_PASV_MAX"),
  "sftp": {
    "port": $SFTP_PORT,
    "pid": $(pid_of sshd),
    "configPath": $(json "$SSHD_CONFIG"),
    "hostKeyPath": $(json "$HOST_KEY_PATH"),
    "hostKeyPublicPath": $(json "$HOST_KEY_PATH.pub"),
    "hostKeyAlgorithm": "ssh-ed25519",
    "hostKeyFingerprint": $(json "$HOST_KEY_FINGERPRINT"),
    "authorizedKeysDir": $(json "$FERRY_DIR/ssh/authorized_keys"),
    "logPath": $(json "$FERRY_DIR/logs/sshd.log")
  },
  "tftp": {
    "port": $TFTP_PORT,
    "pid": $(pid_of tftpd),
    "root": $(json "$TFTP_ROOT"),
    "user": $(json "$TFTP_USER"),
    "logPath": $(json "$FERRY_DIR/logs/tftpd.log")
  }
}
EOF
chmod 600 "$tmp_state" # holds passwords
mv -f "$tmp_state" "$FERRY_STATE"
trap - EXIT

echo "start.sh: test servers up on $HOST (ftp+explicit ftps :$FTP_PORT, implicit ftps :$FTPS_PORT," \
  "sftp :$SFTP_PORT, tftp udp :$TFTP_PORT); state: $FERRY_STATE"
