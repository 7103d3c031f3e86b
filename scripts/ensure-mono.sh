#!/bin/sh
# Installs Mono (mcs + mono) from Debian's mono-devel when mcs is missing, so
# `make test` works on a fresh machine. Does nothing when mcs is on PATH.
set -eu

if command -v mcs >/dev/null 2>&1 && command -v mono >/dev/null 2>&1; then
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-mono: mcs not found and apt-get is unavailable; install Mono (mono-devel) by hand" >&2
    exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi

echo "ensure-mono: installing mono-devel" >&2
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends mono-devel
command -v mcs >/dev/null 2>&1 && command -v mono >/dev/null 2>&1
