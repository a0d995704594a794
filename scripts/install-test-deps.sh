#!/bin/sh
# Installs what `make test` needs, when it is missing (Debian packages, idempotent).
# --build: only what building kqvm needs.
set -e
missing=""
need() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed" || missing="$missing $1"; }
need libfdt-dev
if [ "$1" != --build ]; then
    need libcmocka-dev
    need clang
fi
[ -z "$missing" ] && exit 0
echo "installing test dependencies:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq $missing >/dev/null
