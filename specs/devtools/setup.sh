#!/usr/bin/env bash
# Optional: builds the DevTools heap-snapshot cross-check bundle used by
# devtools-summary.mjs. Not needed to build or test leakcheck. See README.md.
#
#   specs/devtools/setup.sh [CACHE_DIR]     (default: $LEAKCHECK_DEVTOOLS_DIR or /tmp/leakcheck-devtools)
#
# Everything it fetches or generates goes into CACHE_DIR:
#   package/                   chrome-devtools-frontend sources (npm pack), unless reused
#   esbuild/node_modules/      esbuild from npm
#   heap-snapshot-worker.mjs   the bundle devtools-summary.mjs loads
set -euo pipefail

DEVTOOLS_VERSION=1.0.1705227
ESBUILD_VERSION=0.28.2
# An already unpacked copy of the same npm package to use instead of packing one.
REUSE_DIR="${LEAKCHECK_DEVTOOLS_REUSE-/tmp/devtools/package}"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${1:-${LEAKCHECK_DEVTOOLS_DIR:-/tmp/leakcheck-devtools}}"
mkdir -p "$CACHE"
CACHE="$(cd "$CACHE" && pwd)"

# True if $1 is an unpacked chrome-devtools-frontend@$DEVTOOLS_VERSION.
is_devtools_pkg() {
  [ -f "$1/front_end/entrypoints/heap_snapshot_worker/HeapSnapshot.ts" ] &&
    [ -f "$1/package.json" ] &&
    node -e 'const p = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
             process.exit(p.name === "chrome-devtools-frontend" && p.version === process.argv[2] ? 0 : 1)' \
      "$1/package.json" "$DEVTOOLS_VERSION"
}

# 1. DevTools sources.
if is_devtools_pkg "$CACHE/package"; then
  SRC="$CACHE/package"
elif [ -n "$REUSE_DIR" ] && is_devtools_pkg "$REUSE_DIR"; then
  SRC="$REUSE_DIR"
else
  echo "setup: npm pack chrome-devtools-frontend@$DEVTOOLS_VERSION" >&2
  tmp="$(mktemp -d "$CACHE/pack.XXXXXX")"
  (cd "$tmp" && npm pack --silent "chrome-devtools-frontend@$DEVTOOLS_VERSION" >/dev/null)
  tar -xzf "$tmp"/chrome-devtools-frontend-*.tgz -C "$tmp"
  rm -rf "$CACHE/package"
  mv "$tmp/package" "$CACHE/package"
  rm -rf "$tmp"
  SRC="$CACHE/package"
  is_devtools_pkg "$SRC" || { echo "setup: unpacked package is not chrome-devtools-frontend@$DEVTOOLS_VERSION" >&2; exit 1; }
fi
echo "setup: DevTools sources: $SRC" >&2

# 2. esbuild.
ESBUILD_PKG="$CACHE/esbuild/node_modules/esbuild"
have_esbuild() {
  [ -f "$ESBUILD_PKG/package.json" ] &&
    node -e 'process.exit(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).version === process.argv[2] ? 0 : 1)' \
      "$ESBUILD_PKG/package.json" "$ESBUILD_VERSION"
}
if ! have_esbuild; then
  echo "setup: npm install esbuild@$ESBUILD_VERSION" >&2
  mkdir -p "$CACHE/esbuild"
  [ -f "$CACHE/esbuild/package.json" ] || echo '{"private": true}' > "$CACHE/esbuild/package.json"
  npm install --prefix "$CACHE/esbuild" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
    "esbuild@$ESBUILD_VERSION" >&2
  have_esbuild || { echo "setup: esbuild@$ESBUILD_VERSION did not install" >&2; exit 1; }
fi

# 3. Bundle (always rebuilt: it takes about a second).
node "$HERE/build.mjs" "$SRC" "$ESBUILD_PKG" "$CACHE/heap-snapshot-worker.mjs"

# 4. Smoke test: the bundle loads in this Node and exposes what devtools-summary.mjs uses.
node --input-type=module -e '
  const m = await import(process.argv[1]);
  for (const k of ["buildSnapshotFromChunks", "HeapSnapshotModel", "JSHeapSnapshot"]) {
    if (!m[k]) { console.error("setup: bundle lacks " + k); process.exit(1); }
  }' "file://$CACHE/heap-snapshot-worker.mjs"
echo "setup: ready: LEAKCHECK_DEVTOOLS_DIR=$CACHE node $HERE/devtools-summary.mjs FILE.heapsnapshot" >&2
