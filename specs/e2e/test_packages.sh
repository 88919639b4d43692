# Installing like a JavaScript tool, and as a Debian package.
# npm: `cmake --build BUILD --target npm-package` writes the tarballs
# (a release build, libyaml linked statically); they are installed into an
# empty project with the registry out of reach (--offline), then
# `npx leakcheck --version`, and real checks run from package.json
# scripts: exit codes and signals pass through the JS shim.
# deb: `cpack -G DEB` in that release build; the package's files are
# listed and extracted, the binary runs and the man page is there; as root
# (CI) it is installed with dpkg -i, `man -w leakcheck` finds the page, and
# it is removed again.
. "$(dirname "$0")/lib.sh"

BUILD=$(cd "$(dirname "$LEAKCHECK")" && pwd)
VERSION=$("$LEAKCHECK" --version | awk '{print $2}')
if ! command -v npm >/dev/null; then
  echo "SKIP: npm is not installed (ci/setup.sh --tests installs it)"
  exit 0
fi
cmake --build "$BUILD" --target npm-package >"$WORK/pack.log" 2>&1 \
  || { cat "$WORK/pack.log"; fail "npm-package target failed"; finish; }
MAIN="$BUILD/leakcheck-$VERSION.tgz" PLAT="$BUILD/leakcheck-linux-x64-$VERSION.tgz"
[ -f "$MAIN" ] && [ -f "$PLAT" ] && ok || fail "tarballs missing in $BUILD"
expect_eq "the packaged binary needs only libc" \
  "$(ldd "$BUILD/npm-build/leakcheck" | grep -c -E 'yaml|curl|jsmn')" 0

mkdir proj && cd proj || exit 1
cp "$MAIN" "$PLAT" .
echo '{"name": "svc", "version": "1.0.0", "private": true}' > package.json
export npm_config_cache="$WORK/npm-cache" npm_config_registry=http://127.0.0.1:9/
timeout 120 npm install --offline --no-audit --no-fund --save-dev \
  "./leakcheck-$VERSION.tgz" "./leakcheck-linux-x64-$VERSION.tgz" \
  >"$WORK/npm.log" 2>&1
expect_eq "npm install from the tarballs, offline" "$?" 0
expect_eq "npx leakcheck --version" "$(timeout 60 npx --offline leakcheck --version)" \
  "leakcheck $VERSION"

cat > handler.js <<'JS'
class Session { constructor(i) { this.i = i; } }
const kept = [];
exports.handle = () => { if (process.env.LEAK) kept.push(new Session(kept.length)); };
JS
cat > leakcheck.yml <<'YML'
version: 1
checks:
  - name: api
    script: handler.js
    drive: { call: handle, times: 20 }
    assert:
      - constructor: Session
        max_growth: 0
YML
node -e '
const p = require("./package.json");
p.scripts = { "test:leaks": "leakcheck --no-junit" };
require("fs").writeFileSync("package.json", JSON.stringify(p, null, 2));'
timeout 120 npm run --silent test:leaks >"$WORK/run.out" 2>&1
expect_eq "npm run test:leaks (clean): exit" "$?" 0
expect_contains "npm run test:leaks: the report" "$(cat "$WORK/run.out")" "PASS   api"
LEAK=1 timeout 120 npm run --silent test:leaks >"$WORK/run.out" 2>&1
expect_eq "npm run test:leaks (leak): exit 1 through the shim" "$?" 1
expect_contains "the leak is named" "$(cat "$WORK/run.out")" \
  "Session grew by +60 objects"
# Signals reach the binary: Ctrl-C during a run gives 130, nothing left.
cat > forever.js <<'JS'
setInterval(() => {}, 1000);
JS
cat > slow.yml <<'YML'
version: 1
checks:
  - name: slow
    script: forever.js
    drive: { every: 5s }
    timeout: 60s
YML
timeout 60 npx --offline leakcheck -c slow.yml --no-junit >/dev/null 2>&1 &
shim=$!
sleep 3
kill -INT $shim
wait $shim
expect_eq "SIGINT through the shim: exit" "$?" 130
cd "$WORK" || exit 1

# --- the .deb ---
if ! command -v cpack >/dev/null || ! command -v dpkg-deb >/dev/null; then
  echo "SKIP: cpack or dpkg-deb missing: no .deb test"
else
  rm -f "$BUILD"/npm-build/leakcheck_*.deb
  (cd "$BUILD/npm-build" && cpack -G DEB >"$WORK/cpack.log" 2>&1)
  DEB=$(ls "$BUILD"/npm-build/leakcheck_"$VERSION"_*.deb 2>/dev/null | head -1)
  [ -n "$DEB" ] && ok || { cat "$WORK/cpack.log"; fail "cpack -G DEB made no .deb"; }
  if [ -n "$DEB" ]; then
    files=$(dpkg-deb -c "$DEB")
    expect_contains "deb: the binary" "$files" "./usr/bin/leakcheck"
    expect_contains "deb: the man page" "$files" "./usr/share/man/man1/leakcheck.1"
    dpkg-deb -x "$DEB" root
    expect_eq "deb: the extracted binary runs" "$(root/usr/bin/leakcheck --version)" \
      "leakcheck $VERSION"
    expect_contains "deb: the man page is roff" "$(head -c 2000 root/usr/share/man/man1/leakcheck.1)" ".TH"
    if [ "$(id -u)" = 0 ] && [ "${CI:-}" = true ] && ! dpkg -s leakcheck >/dev/null 2>&1; then
      dpkg -i "$DEB" >/dev/null 2>&1
      expect_eq "dpkg -i: exit" "$?" 0
      expect_eq "man -w leakcheck" "$(man -w leakcheck 2>/dev/null)" \
        "/usr/share/man/man1/leakcheck.1"
      dpkg -r leakcheck >/dev/null 2>&1
      expect_eq "dpkg -r: exit" "$?" 0
    else
      echo "SKIP: dpkg -i runs only as root with CI=true and no leakcheck package installed"
    fi
  fi
fi
no_leftovers
finish
