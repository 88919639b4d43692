#!/usr/bin/env bash
# Builds the npm packages into BUILD_DIR (cmake --build build --target
# npm-package): a release build of leakcheck with libyaml linked
# statically (so that it runs without libyaml installed), staged as
#   leakcheck-VERSION.tgz                the main package: a JS bin shim
#   leakcheck-linux-x64-VERSION.tgz      @leakcheck/linux-x64: the binary
# usage: build.sh SOURCE_DIR BUILD_DIR VERSION
set -euo pipefail
src=${1:?SOURCE_DIR} out=${2:?BUILD_DIR} version=${3:?VERSION}
arch=$(uname -m)
case "$arch" in
  x86_64) plat=linux-x64 cpu=x64 ;;
  aarch64) plat=linux-arm64 cpu=arm64 ;;
  *) echo "npm-package: no npm platform package for $arch" >&2; exit 2 ;;
esac
rel="$out/npm-build"
stage="$out/npm-stage"
cmake -S "$src" -B "$rel" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
  -DLEAKCHECK_STATIC_YAML=ON >/dev/null
cmake --build "$rel" --target leakcheck -j2
rm -rf "$stage"
mkdir -p "$stage/main/bin" "$stage/$plat/bin" "$stage/$plat/man/man1"

# The platform package: the binary and its man page.
install -m 0755 "$rel/leakcheck" "$stage/$plat/bin/leakcheck"
strip "$stage/$plat/bin/leakcheck" 2>/dev/null || true
install -m 0644 "$src/leakcheck.1" "$stage/$plat/man/man1/leakcheck.1"
sed -e "s/@VERSION@/$version/g" -e "s/@PLATFORM@/$plat/g" -e "s/@CPU@/$cpu/g" \
  "$src/packaging/npm/platform/package.json.in" > "$stage/$plat/package.json"
sed -e "s/@PLATFORM@/$plat/g" "$src/packaging/npm/platform/README.md.in" \
  > "$stage/$plat/README.md"

# The main package: the shim, the README (how to build on other
# platforms), optionalDependencies on every platform package.
install -m 0755 "$src/packaging/npm/leakcheck/bin/leakcheck.js" \
  "$stage/main/bin/leakcheck.js"
install -m 0644 "$src/packaging/npm/README.md" "$stage/main/README.md"
sed -e "s/@VERSION@/$version/g" "$src/packaging/npm/leakcheck/package.json.in" \
  > "$stage/main/package.json"

(cd "$stage/main" && npm pack --silent --pack-destination "$out" >/dev/null)
(cd "$stage/$plat" && npm pack --silent --pack-destination "$out" >/dev/null)
echo "npm-package: $out/leakcheck-$version.tgz $out/leakcheck-$plat-$version.tgz"
