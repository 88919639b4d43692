#!/usr/bin/env bash
# Installs what leakcheck needs to build and test, when it is missing, on
# Debian/Ubuntu.  Idempotent: a machine that has everything is left alone.
# Usage: ci/setup.sh [--tests]
set -euo pipefail

want_tests=0
[ "${1:-}" = "--tests" ] && want_tests=1

need=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for p in build-essential cmake pkg-config libyaml-dev libjsmn-dev; do
  have_pkg "$p" || need+=("$p")
done
if [ "$want_tests" = 1 ]; then
  for p in check libxml2-utils; do
    have_pkg "$p" || need+=("$p")
  done
fi
command -v node >/dev/null 2>&1 || need+=(nodejs)

if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}"
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "setup: need root or sudo to install: ${need[*]}" >&2; exit 2; }
    sudo="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
echo "setup: node $(node --version), cmake $(cmake --version | head -1 | awk '{print $3}')"
