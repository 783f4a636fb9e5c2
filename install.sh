#!/bin/sh
# systemprompt installer: installs (or upgrades in place) the systemprompt binary as a hardened
# systemd service. POSIX sh, idempotent, no network. Run as root:
#
#   ./install.sh [--binary PATH] [--prefix DIR] [--database-url URL | --embedded]
#                [--admin-email E] [--port N] [--no-start]
#   ./install.sh --uninstall [--purge [--yes]] [--prefix DIR]
#
# Layout (every path under --prefix when given):
#   /usr/local/bin/systemprompt             the binary (0755, the only file others may read)
#   /etc/systemprompt/                      configuration, root:systemprompt 0750
#     profiles/local/profile.yaml           the profile (0640), written once, then yours to edit
#     profiles/local/secrets.json           database URL, vault master key, token pepper (0600)
#     profiles/local/credentials/           JWT signing keys and the audit checkpoint key (0600)
#     services/                             config as code (agents, MCP servers, policies)
#     master_key                            the vault master key as a systemd credential (root, 0600)
#   /var/lib/systemprompt/                  SYSTEMPROMPT_HOME and state, systemprompt 0750
#     profiles -> /etc/systemprompt/profiles
#     admin.token, admin-local.sock, data/ (embedded database, audit journal), .cache/ (runtime)
#   /etc/systemd/system/systemprompt.service
#
# The configuration and secrets are created once (secrets by the binary itself:
# `admin setup --non-interactive`) and never rewritten by a later run, which upgrades the binary,
# applies migrations and restarts the service.
set -eu
umask 077

SP_USER=systemprompt
SP_GROUP=systemprompt
PROFILE=local
HEALTH_TIMEOUT=180

PREFIX=""
BINARY=""
DATABASE_URL_ARG=""
EMBEDDED=0
ADMIN_EMAIL=""
PORT=""
NO_START=0
UNINSTALL=0
PURGE=0
YES=0

say() { printf '%s\n' "$*"; }
warn() { printf 'install.sh: warning: %s\n' "$*" >&2; }
die() {
  printf 'install.sh: error: %s\n' "$*" >&2
  exit 1
}
usage_error() {
  printf 'install.sh: %s (see --help)\n' "$*" >&2
  exit 2
}

usage() {
  cat <<'EOF'
Usage: install.sh [options]
  --binary PATH        the systemprompt binary to install; PATH.sha256 (sha256sum format) must lie
                       beside it (default: systemprompt or systemprompt-*-linux-x64 next to this script)
  --prefix DIR         install below DIR instead of / (systemd is then left alone)
  --database-url URL   use this PostgreSQL 18 database
  --embedded           use the embedded database (PGlite) even when a local PostgreSQL runs
  --admin-email E      email of the first admin account (default admin@localhost)
  --port N             HTTP port (default 8080; bound to 127.0.0.1)
  --no-start           install and enable, but neither start the service nor wait for health
  --uninstall          stop and remove the service and the binary, keep configuration and data
  --purge              with --uninstall: also delete configuration, data and the system user
  --yes                with --purge: do not ask for confirmation
Without --database-url or --embedded, a first install uses a local PostgreSQL 18 reachable on its
unix socket (creating the role and database "systemprompt") and the embedded database otherwise.
EOF
}

need_value() { [ "$2" -ge 2 ] || usage_error "$1 needs a value"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --binary) need_value "$1" $#; BINARY=$2; shift 2 ;;
    --binary=*) BINARY=${1#*=}; shift ;;
    --prefix) need_value "$1" $#; PREFIX=$2; shift 2 ;;
    --prefix=*) PREFIX=${1#*=}; shift ;;
    --database-url) need_value "$1" $#; DATABASE_URL_ARG=$2; shift 2 ;;
    --database-url=*) DATABASE_URL_ARG=${1#*=}; shift ;;
    --embedded) EMBEDDED=1; shift ;;
    --admin-email) need_value "$1" $#; ADMIN_EMAIL=$2; shift 2 ;;
    --admin-email=*) ADMIN_EMAIL=${1#*=}; shift ;;
    --port) need_value "$1" $#; PORT=$2; shift 2 ;;
    --port=*) PORT=${1#*=}; shift ;;
    --no-start) NO_START=1; shift ;;
    --uninstall) UNINSTALL=1; shift ;;
    --purge) PURGE=1; shift ;;
    --yes | -y) YES=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage_error "unknown option: $1" ;;
  esac
done

# ---- validation ------------------------------------------------------------------------------
case "$PREFIX" in
  "" | /) PREFIX="" ;;
  /*) PREFIX=${PREFIX%/} ;;
  *) usage_error "--prefix must be an absolute path" ;;
esac
case "$PREFIX" in *[!A-Za-z0-9/._-]*) usage_error "--prefix may contain only letters, digits and / . _ -" ;; esac
[ "$PURGE" = 0 ] || [ "$UNINSTALL" = 1 ] || usage_error "--purge goes with --uninstall"
[ -z "$DATABASE_URL_ARG" ] || [ "$EMBEDDED" = 0 ] || usage_error "--database-url and --embedded exclude each other"
if [ -n "$PORT" ]; then
  case "$PORT" in *[!0-9]* | "") usage_error "--port must be a number" ;; esac
  [ "$PORT" -ge 1 ] && [ "$PORT" -le 65535 ] || usage_error "--port must be between 1 and 65535"
fi
case "$ADMIN_EMAIL" in *[[:space:]]* | *[\"\\]*) usage_error "--admin-email is not an email address" ;; esac
[ -z "$ADMIN_EMAIL" ] || case "$ADMIN_EMAIL" in ?*@?*) ;; *) usage_error "--admin-email is not an email address" ;; esac
[ "$(id -u)" = 0 ] || die "run install.sh as root"

BIN_DST=$PREFIX/usr/local/bin/systemprompt
CONF_DIR=$PREFIX/etc/systemprompt
PROFILE_DIR=$CONF_DIR/profiles/$PROFILE
STATE_DIR=$PREFIX/var/lib/systemprompt
UNIT_FILE=$PREFIX/etc/systemd/system/systemprompt.service
SYSTEMD=0
if [ -z "$PREFIX" ] && [ -d /run/systemd/system ]; then SYSTEMD=1; fi

# ---- helpers ---------------------------------------------------------------------------------
# Runs the installed binary as the service user with the service's environment.
as_service() {
  (
    cd "$STATE_DIR"
    umask 077
    if command -v setpriv >/dev/null 2>&1; then
      set -- setpriv --reuid="$SP_USER" --regid="$SP_GROUP" --init-groups "$@"
    else
      set -- runuser -u "$SP_USER" -- "$@"
    fi
    "$@"
  )
}

run_binary() {
  as_service env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$STATE_DIR" XDG_CACHE_HOME="$STATE_DIR/.cache" \
    DENO_DIR="$STATE_DIR/.cache/deno" SYSTEMPROMPT_HOME="$STATE_DIR" "$BIN_DST" "$@"
}

# commit_file TMP FILE MODE OWNER: moves TMP over FILE unless FILE already has that content (then
# TMP is dropped and FILE keeps its inode and mtime); CHANGED says which. Mode and owner are set either way.
commit_file() {
  CHANGED=0
  if [ -f "$2" ] && cmp -s "$1" "$2"; then
    rm -f "$1"
  else
    chmod "$3" "$1"
    chown "$4" "$1"
    mv -f "$1" "$2"
    CHANGED=1
  fi
  chmod "$3" "$2"
  chown "$4" "$2"
}

default_binary() {
  dir=$(cd "$(dirname "$0")" && pwd)
  if [ -f "$dir/systemprompt" ]; then
    printf '%s\n' "$dir/systemprompt"
    return
  fi
  found=""
  for candidate in "$dir"/systemprompt-*-linux-x64; do
    [ -f "$candidate" ] || continue
    [ -z "$found" ] || die "several binaries next to install.sh: pass --binary"
    found=$candidate
  done
  [ -n "$found" ] || die "no systemprompt binary next to install.sh: pass --binary PATH"
  printf '%s\n' "$found"
}

verify_binary() {
  if [ -z "$BINARY" ]; then BINARY=$(default_binary); fi
  [ -f "$BINARY" ] || die "binary $BINARY not found"
  [ -f "$BINARY.sha256" ] || die "checksum file $BINARY.sha256 not found (copy it with the binary)"
  expected=$(awk 'NR == 1 { print $1 }' "$BINARY.sha256")
  case "$expected" in *[!0-9a-f]* | "") die "$BINARY.sha256 is not a sha256sum file" ;; esac
  [ ${#expected} -eq 64 ] || die "$BINARY.sha256 is not a sha256sum file"
  actual=$(sha256sum <"$BINARY" | awk '{ print $1 }')
  [ "$actual" = "$expected" ] || die "checksum mismatch for $BINARY (expected $expected, got $actual)"
  say "verified $BINARY (sha256 $actual)"
}

ensure_user() {
  getent group "$SP_GROUP" >/dev/null 2>&1 || groupadd --system "$SP_GROUP"
  if ! getent passwd "$SP_USER" >/dev/null 2>&1; then
    shell=/usr/sbin/nologin
    [ -x "$shell" ] || shell=/sbin/nologin
    [ -x "$shell" ] || shell=/bin/false
    useradd --system --gid "$SP_GROUP" --home-dir "$STATE_DIR" --no-create-home --shell "$shell" \
      --comment "systemprompt appliance" "$SP_USER"
    say "created system user $SP_USER"
  fi
}

service_active() { [ "$SYSTEMD" = 1 ] && systemctl is-active --quiet systemprompt.service; }

# Standard directories (only missing ones, as under a fresh --prefix) are world-traversable as usual.
system_dirs() {
  (umask 022 && mkdir -p "$(dirname "$BIN_DST")" "$(dirname "$UNIT_FILE")" "$PREFIX/etc" "$PREFIX/var/lib")
}

install_binary() {
  if [ -f "$BIN_DST" ] && cmp -s "$BINARY" "$BIN_DST"; then
    say "binary $BIN_DST is up to date"
    return
  fi
  if service_active; then
    say "stopping systemprompt for the upgrade"
    systemctl stop systemprompt.service
  fi
  cp "$BINARY" "$BIN_DST.new.$$"
  chown root:root "$BIN_DST.new.$$"
  chmod 0755 "$BIN_DST.new.$$"
  mv -f "$BIN_DST.new.$$" "$BIN_DST"
  # An older runtime bundle's unpacked copy is no longer used; the new one unpacks on first run.
  rm -rf "$STATE_DIR/.cache/systemprompt"
  say "installed $BIN_DST"
}

make_dirs() {
  install -d -m 0750 -o root -g "$SP_GROUP" "$CONF_DIR" "$CONF_DIR/profiles" "$CONF_DIR/services"
  install -d -m 0700 -o "$SP_USER" -g "$SP_GROUP" "$PROFILE_DIR"
  install -d -m 0750 -o "$SP_USER" -g "$SP_GROUP" "$STATE_DIR"
  if [ ! -L "$STATE_DIR/profiles" ]; then
    [ ! -e "$STATE_DIR/profiles" ] || die "$STATE_DIR/profiles exists and is not a link to $CONF_DIR/profiles"
    ln -s ../../../etc/systemprompt/profiles "$STATE_DIR/profiles"
  fi
  as_service test -r "$BIN_DST" -a -w "$STATE_DIR" ||
    die "user $SP_USER cannot reach $BIN_DST or $STATE_DIR (is a parent directory private?)"
}

profile_port() { sed -n 's/^  port: *\([0-9][0-9]*\) *$/\1/p' "$PROFILE_DIR/profile.yaml" | head -n 1; }

write_profile() {
  file=$PROFILE_DIR/profile.yaml
  if [ -f "$file" ]; then
    current=$(profile_port)
    if [ -n "$PORT" ] && [ "$PORT" != "$current" ]; then
      [ -n "$current" ] || die "cannot find the server port in $file: edit it by hand"
      sed "s/^  port: *$current *\$/  port: $PORT/" "$file" >"$file.tmp.$$"
      commit_file "$file.tmp.$$" "$file" 0640 "root:$SP_GROUP"
      say "changed the port in $file to $PORT"
    fi
    return 0
  fi
  {
    printf '%s\n' "# systemprompt profile \"$PROFILE\" (written by install.sh; yours to edit," \
      "# then: systemctl restart systemprompt). \${VAR} and \${VAR:-default} come from the environment."
    printf '%s\n' "name: $PROFILE" "server:" '  host: ${SYSTEMPROMPT_HOST:-127.0.0.1}' "  port: ${PORT:-8080}"
    printf '%s\n' "database:" "  url_secret: database_url # in secrets.json; null there means the embedded database"
    printf '%s\n' "paths:" "  services: \"$CONF_DIR/services\"" "  data: \"$STATE_DIR/data\"" \
      "  logs: \"$STATE_DIR/logs\""
    printf '%s\n' "security:" "  jwt_issuer: systemprompt" "  access_token_ttl: 24h" "runtime:" "  log_level: info"
  } >"$file.tmp.$$"
  commit_file "$file.tmp.$$" "$file" 0640 "root:$SP_GROUP"
  say "wrote $file"
}

# A local PostgreSQL 18 on its unix socket: the role and database "systemprompt" (peer authentication).
local_postgres_url() {
  socket_dir=/var/run/postgresql
  [ -S "$socket_dir/.s.PGSQL.5432" ] && command -v psql >/dev/null 2>&1 && getent passwd postgres >/dev/null 2>&1 ||
    return 1
  pg() { runuser -u postgres -- psql -h "$socket_dir" -XtAq -v ON_ERROR_STOP=1 "$@"; }
  version=$(pg -c 'show server_version_num' 2>/dev/null) || return 1
  case "$version" in *[!0-9]* | "") return 1 ;; esac
  if [ "$version" -lt 180000 ]; then
    warn "the local PostgreSQL is version $version, not 18: using the embedded database"
    return 1
  fi
  if [ "$(pg -c "select 1 from pg_roles where rolname = '$SP_USER'")" != 1 ]; then
    pg -c "create role $SP_USER login" || return 1
  fi
  if [ "$(pg -c "select 1 from pg_database where datname = '$SP_USER'")" != 1 ]; then
    pg -c "create database $SP_USER owner $SP_USER" || return 1
  fi
  printf '%s\n' "postgres://$SP_USER@localhost/$SP_USER?host=$socket_dir"
}

run_setup() {
  set -- --json admin setup --non-interactive
  [ -z "$ADMIN_EMAIL" ] || set -- "$@" --admin-email "$ADMIN_EMAIL"
  url=$DATABASE_URL_ARG
  if [ -z "$url" ] && [ "$EMBEDDED" = 0 ] && [ ! -f "$PROFILE_DIR/secrets.json" ]; then
    url=$(local_postgres_url) || url=""
    [ -z "$url" ] || say "using the local PostgreSQL: $url"
  fi
  [ -z "$url" ] || set -- "$@" --database-url "$url"
  say "running admin setup as $SP_USER (secrets, keys, database, migrations, admin account)"
  output=$(run_binary "$@") || die "admin setup failed (see above)"
  DATABASE=$(printf '%s\n' "$output" | sed -n 's/.*"database":"\([^"]*\)".*/\1/p')
}

# The vault master key as a systemd credential (LoadCredential=): root-only, kept in step with secrets.json.
write_master_key() {
  key=$(sed -n 's/^[[:space:]]*"master_key":[[:space:]]*"\([A-Za-z0-9+/=]*\)".*$/\1/p' "$PROFILE_DIR/secrets.json")
  [ -n "$key" ] || die "no master_key in $PROFILE_DIR/secrets.json"
  printf '%s\n' "$key" >"$CONF_DIR/master_key.tmp.$$"
  commit_file "$CONF_DIR/master_key.tmp.$$" "$CONF_DIR/master_key" 0600 root:root
}

unit_text() {
  cat <<EOF
# systemprompt: the governed path between your AI and everything it touches.
# Generated by install.sh; a re-run rewrites it. Local changes belong in a drop-in:
# systemctl edit systemprompt
[Unit]
Description=systemprompt AI governance appliance
After=network-online.target postgresql.service
Wants=network-online.target

[Service]
Type=notify
NotifyAccess=main
User=$SP_USER
Group=$SP_GROUP
DynamicUser=no
WorkingDirectory=$STATE_DIR
Environment=SYSTEMPROMPT_HOME=$STATE_DIR
Environment=HOME=$STATE_DIR
Environment=XDG_CACHE_HOME=$STATE_DIR/.cache
Environment=DENO_DIR=$STATE_DIR/.cache/deno
ExecStart=$BIN_DST infra services serve
LoadCredential=master_key:$CONF_DIR/master_key
Restart=on-failure
RestartSec=2s
# The first start unpacks the runtime and may create the embedded database.
TimeoutStartSec=300
TimeoutStopSec=30
WatchdogSec=60
SyslogIdentifier=systemprompt
StandardOutput=journal
StandardError=journal
UMask=0077
# Hardening. V8 needs writable+executable memory: no MemoryDenyWriteExecute.
ProtectSystem=strict
ReadWritePaths=$STATE_DIR -$PROFILE_DIR/credentials
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
PrivateMounts=yes
PrivateUsers=yes
NoNewPrivileges=yes
CapabilityBoundingSet=
AmbientCapabilities=
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
RemoveIPC=yes
LockPersonality=yes
ProtectClock=yes
ProtectHostname=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectProc=invisible
KeyringMode=private
DevicePolicy=closed
SystemCallArchitectures=native
SystemCallFilter=@system-service @pkey
SystemCallFilter=~@privileged
SystemCallErrorNumber=EPERM

[Install]
WantedBy=multi-user.target
EOF
}

install_unit() {
  unit_text >"$UNIT_FILE.tmp.$$"
  commit_file "$UNIT_FILE.tmp.$$" "$UNIT_FILE" 0640 root:root
  if [ "$CHANGED" = 1 ]; then say "wrote $UNIT_FILE"; fi
}

wait_for_health() {
  say "waiting for http://127.0.0.1:$(profile_port)/api/v1/health"
  waited=0
  while [ "$waited" -lt "$HEALTH_TIMEOUT" ]; do
    if run_binary --json infra services status 2>/dev/null | grep -q '"http_status":200'; then return 0; fi
    sleep 2
    waited=$((waited + 2))
  done
  die "no healthy answer within ${HEALTH_TIMEOUT}s: journalctl -u systemprompt -n 50"
}

start_service() {
  if [ "$SYSTEMD" = 0 ]; then
    if [ -n "$PREFIX" ]; then
      say "installed under $PREFIX: systemd left alone"
    else
      say "systemd is not running here: start the server with"
      say "  runuser -u $SP_USER -- env SYSTEMPROMPT_HOME=$STATE_DIR HOME=$STATE_DIR $BIN_DST infra services serve"
    fi
    return 0
  fi
  systemctl daemon-reload
  systemctl enable --quiet systemprompt.service
  if [ "$NO_START" = 1 ]; then
    say "enabled systemprompt.service (not started: --no-start)"
    return 0
  fi
  systemctl restart systemprompt.service
  wait_for_health
}

summary() {
  say ""
  say "systemprompt is installed."
  say "  URL:         http://127.0.0.1:$(profile_port)  (health: /api/v1/health)"
  say "  admin token: $STATE_DIR/admin.token (root and $SP_USER only; send as \"Authorization: Bearer <token>\")"
  say "  database:    ${DATABASE:-see $PROFILE_DIR/secrets.json}"
  say "  config:      $CONF_DIR (profile, services/, secrets, keys)"
  say "  CLI:         runuser -u $SP_USER -- env SYSTEMPROMPT_HOME=$STATE_DIR HOME=$STATE_DIR $BIN_DST <command>"
  say "  backup:      <CLI> infra db backup --to $STATE_DIR/backup.jsonl.gz (and keep $CONF_DIR with it)"
}

confirm_purge() {
  [ "$YES" = 0 ] || return 0
  [ -t 0 ] || die "--purge deletes all configuration and data: confirm with --yes"
  printf 'Delete %s, %s and the user %s for good? Type "yes": ' "$CONF_DIR" "$STATE_DIR" "$SP_USER"
  read -r answer || answer=""
  [ "$answer" = yes ] || die "nothing removed"
}

uninstall() {
  [ "$PURGE" = 0 ] || confirm_purge
  if [ "$SYSTEMD" = 1 ]; then systemctl disable --now --quiet systemprompt.service 2>/dev/null || :; fi
  rm -f "$UNIT_FILE" "$BIN_DST"
  if [ "$SYSTEMD" = 1 ]; then systemctl daemon-reload; fi
  say "removed the service and $BIN_DST"
  if [ "$PURGE" = 0 ]; then
    say "kept $CONF_DIR and $STATE_DIR (--uninstall --purge deletes them)"
    return 0
  fi
  rm -rf "$CONF_DIR" "$STATE_DIR"
  if getent passwd "$SP_USER" >/dev/null 2>&1; then userdel "$SP_USER"; fi
  if getent group "$SP_GROUP" >/dev/null 2>&1; then groupdel "$SP_GROUP"; fi
  say "purged $CONF_DIR, $STATE_DIR and the user $SP_USER (a PostgreSQL database it used is kept)"
}

# ---- main ------------------------------------------------------------------------------------
if [ "$UNINSTALL" = 1 ]; then
  uninstall
  exit 0
fi
DATABASE=""
verify_binary
ensure_user
system_dirs
install_binary
make_dirs
write_profile
run_setup
write_master_key
install_unit
say "$(run_binary --version)"
start_service
summary
