# `leakcheck summary` on real Node snapshots: exact counts and sizes for
# objects the script made; bad files give exit 2 with a byte offset.
. "$(dirname "$0")/lib.sh"

node -e '
class Keep { constructor(i) { this.i = i; } }
globalThis.keep = [];
for (let i = 0; i < 100; i++) keep.push(new Keep(i));
globalThis.pairs = [];
for (let i = 0; i < 7; i++) pairs.push({ leftHand: {}, rightHand: [] });
require("v8").writeHeapSnapshot("a.heapsnapshot");
'
run_lc summary --json a.heapsnapshot
expect_eq "summary: exit code" "$CODE" 0
row() { printf '%s\n' "$OUT" | grep "\"name\": \"$1\"" | head -1; }
expect_contains "Keep count" "$(row Keep)" '"count": 100,'
# An instance of a one-field class is 32 bytes in Node 18-24 on x64
# (map, properties, elements, one in-object field; no pointer compression),
# as DevTools shows it.
expect_contains "Keep size" "$(row Keep)" '"self_size": 3200, "retained_size": 3200, "distance": 3}'
expect_contains "Keep key has its location" "$(row Keep)" '"key": "'
# Seven pushed plus the object literal's boilerplate that V8 keeps for the
# allocation site: DevTools counts 8 as well.
expect_contains "inferred shape" "$(row '{leftHand, rightHand}')" '"count": 8,'
total=$(printf '%s\n' "$OUT" | head -1 | sed 's/.*"total_size": \([0-9]*\).*/\1/')
sum=$(printf '%s\n' "$OUT" | grep -o '"self_size": [0-9]*' | awk '{s+=$2} END {print s}')
expect_eq "rows add up to the total" "$sum" "$total"

run_lc summary a.heapsnapshot --top 5
expect_eq "table: exit code" "$CODE" 0
expect_eq "table: 5 rows + header" "$(printf '%s\n' "$OUT" | grep -c '%$')" 6

# A class an object, 4000 classes: the tables run to hundreds of KiB and
# go out as they are written (64 KiB at a time); every row is there, once.
# (Each class has one instance, still with V8's in-object slack: the same
# size for all, larger than a settled one-field instance.)
node -e '
require("v8").writeHeapSnapshot("before.heapsnapshot");
globalThis.many = [];
for (let i = 0; i < 4000; i++) {
  const C = new Function(`return class Many${i} { constructor(i) { this.i = i; } }`)();
  many.push(new C(i));
}
require("v8").writeHeapSnapshot("many.heapsnapshot");
'
run_lc summary --json many.heapsnapshot
expect_eq "many classes: exit code" "$CODE" 0
checked=$(printf '%s\n' "$OUT" | node -e '
const j = JSON.parse(require("fs").readFileSync(0, "utf8"));
const many = j.rows.filter((r) => /^Many[0-9]+$/.test(r.name));
const n = many.filter((r) => r.count === 1 && r.self_size === many[0].self_size && r.self_size > 0).length;
const names = new Set(j.rows.map((r) => r.key));
console.log(n, names.size === j.rows.length ? "unique" : "duplicate keys");
')
expect_eq "many classes: one row each, of one size" "$checked" "4000 unique"
expect_eq "many classes: more than 64 KiB of JSON" "$([ ${#OUT} -gt 65536 ] && echo yes)" yes
run_lc summary --top 0 many.heapsnapshot
expect_eq "many classes, table: rows" "$(printf '%s\n' "$OUT" | grep -c '^Many[0-9]* ')" 4000
run_lc diff --json before.heapsnapshot many.heapsnapshot
checked=$(printf '%s\n' "$OUT" | node -e '
const j = JSON.parse(require("fs").readFileSync(0, "utf8"));
console.log(j.rows.filter((r) => /^Many[0-9]+$/.test(r.name) && r.new === 1 &&
  r.deleted === 0 && r.delta === 1).length);
')
expect_eq "many classes, diff: a new row each" "$checked" 4000
# Two processes: rows matched by identity (class and location).
run_lc diff --json --by-identity a.heapsnapshot many.heapsnapshot
checked=$(printf '%s\n' "$OUT" | node -e '
const j = JSON.parse(require("fs").readFileSync(0, "utf8"));
console.log(j.matched_by, j.rows.filter((r) => /^Many[0-9]+$/.test(r.name) &&
  r.base_count === 0 && r.count === 1 && r.delta === 1).length);
')
expect_eq "many classes, diff by identity: a new row each" "$checked" "identity 4000"

head -c 100000 a.heapsnapshot > cut.heapsnapshot
run_lc summary cut.heapsnapshot
expect_eq "truncated: exit code" "$CODE" 2
expect_contains "truncated: message" "$ERR" "cut.heapsnapshot: byte 100000: the header promises"
expect_contains "truncated: says why" "$ERR" "(was the writer killed?)"
# Cut inside the strings instead: the arrays are complete, the end is not.
size=$(stat -c %s a.heapsnapshot)
head -c $((size - 20)) a.heapsnapshot > cut2.heapsnapshot
run_lc summary cut2.heapsnapshot
expect_eq "truncated strings: exit code" "$CODE" 2
expect_contains "truncated strings: message" "$ERR" "unexpected end of file"
: > empty.heapsnapshot
run_lc summary empty.heapsnapshot
expect_eq "empty: exit code" "$CODE" 2
expect_contains "empty: message" "$ERR" "empty.heapsnapshot: byte 0: empty file"
echo '<html>' > page.heapsnapshot
run_lc summary page.heapsnapshot
expect_eq "not JSON: exit code" "$CODE" 2
run_lc summary nothere.heapsnapshot
expect_eq "missing: exit code" "$CODE" 2
finish
