#!/usr/bin/env bash
# The build steps of the composite action (ci/action.yml), runnable by hand
# with the variables a runner sets (RUNNER_TEMP, GITHUB_OUTPUT).
#
#   action-build.sh key    writes key= (OS, architecture and a hash of the
#                          sources) and dir= (where the build is installed)
#                          to $GITHUB_OUTPUT, for actions/cache
#   action-build.sh build  with LEAKCHECK_PREFIX=dir: installs the build
#                          dependencies when missing (ci/setup.sh), builds a
#                          Release leakcheck into dir unless a working one is
#                          there (restored from the cache), writes bin=
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${GITHUB_OUTPUT:-/dev/stdout}
temp=${RUNNER_TEMP:-${TMPDIR:-/tmp}}

source_hash() {
  (cd "$root" && find CMakeLists.txt cmake runner include -type f -print0 |
    LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
}

# The binary links the system's libyaml: the cache is per OS release.
os_id() {
  local id=unknown version=0
  if [ -r /etc/os-release ]; then
    id=$(sed -n 's/^ID=//p' /etc/os-release | tr -d '"')
    version=$(sed -n 's/^VERSION_ID=//p' /etc/os-release | tr -d '"')
  fi
  echo "${id:-unknown}-${version:-0}-$(uname -m)"
}

case "${1:-}" in
  key)
    hash=$(source_hash)
    echo "key=leakcheck-$(os_id)-$hash" >>"$out"
    echo "dir=$temp/leakcheck-$hash" >>"$out"
    ;;
  build)
    prefix=${LEAKCHECK_PREFIX:?set LEAKCHECK_PREFIX to the dir of the key step}
    bin="$prefix/bin/leakcheck"
    if [ -x "$bin" ] && "$bin" --version >/dev/null 2>&1; then
      echo "leakcheck: using the cached build $("$bin" --version | cut -d' ' -f2) in $prefix"
    else
      "$root/ci/setup.sh"
      build="$temp/leakcheck-build"
      cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release \
        -DBUILD_TESTING=OFF >/dev/null
      cmake --build "$build" -j"$(nproc)" >/dev/null
      cmake --install "$build" --prefix "$prefix" >/dev/null
      echo "leakcheck: built $("$bin" --version) into $prefix"
    fi
    echo "bin=$bin" >>"$out"
    ;;
  *)
    echo "usage: action-build.sh key|build" >&2
    exit 2
    ;;
esac
