#!/usr/bin/env bash
# `kenshu report` benchmark: kenshu against DuckDB's read_json and a plain
# Python json.load loop, aggregating the same generated records (see
# docs/performance.md, section "kenshu report").
#
#   bench/report.sh [COUNT]        default 100000 records
#
# Environment:
#   BENCH_DIR   work folder (default /dev/shm/kenshu-report-bench, else target/)
#   RUNS        interleaved rounds of kenshu and Python (default 5; medians
#               are reported); DuckDB runs once per reader (it takes minutes)
#
# Needs GNU time (apt-get install time) and python3;
# DuckDB is installed with pip into a venv under target/bench-venv.
set -euo pipefail

cd "$(dirname "$0")/.."
REPO=$PWD
COUNT=${1:-100000}
RUNS=${RUNS:-5}
if [ -z "${BENCH_DIR:-}" ]; then
  if [ -d /dev/shm ] && [ -w /dev/shm ]; then BENCH_DIR=/dev/shm/kenshu-report-bench; else BENCH_DIR=$REPO/target/report-bench; fi
fi
[ -x /usr/bin/time ] || { echo "missing /usr/bin/time: apt-get install time" >&2; exit 1; }

VENV=$REPO/target/bench-venv
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -c 'import duckdb' 2>/dev/null || "$VENV/bin/pip" install --quiet duckdb
PY=$VENV/bin/python

echo "== building release binaries" >&2
cargo build --release --bins >&2
KENSHU=$REPO/target/release/kenshu
DATA=$BENCH_DIR/$COUNT
if [ ! -f "$DATA/roster.csv" ]; then
  rm -rf "$DATA"
  "$REPO/target/release/kenshu-corpus" --records "$COUNT" --site "$REPO" --out "$DATA"
fi
# What the baselines need to know about the site: its key and the level-1
# modules of the base role (受講), taken from a build of the shipped site.
"$KENSHU" build --root "$REPO" --out "$BENCH_DIR/site" >/dev/null
KEY=$(grep -o 'kenshu:[0-9a-f]*' "$BENCH_DIR/site/assets/site-config.js" | head -1)
LITERACY=$(grep -o 'data-step-level="1" data-step-modules="[^"]*"' "$BENCH_DIR/site/roles/general-staff/index.html" | head -1 | sed 's/.*modules="//; s/"$//; s/ /,/g')
echo "== $(find "$DATA/records" -name '*.json' | wc -l) files, $(du -sh "$DATA/records" | cut -f1); load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

KENSHU_CMD="$KENSHU report --root $REPO --roster $DATA/roster.csv --out $BENCH_DIR/out $DATA/records"
PYTHON_CMD="$PY bench/report_python.py $KEY $LITERACY $DATA/records $BENCH_DIR/python.csv"
DUCK_CMD="$PY bench/report_duckdb.py $KEY $LITERACY $DATA/records $BENCH_DIR/duckdb.csv objects"
DUCK_COLUMNS_CMD="$PY bench/report_duckdb.py $KEY $LITERACY $DATA/records $BENCH_DIR/duckdb-columns.csv"
TIMES=$BENCH_DIR/times.tsv
: > "$TIMES"
# name, wall s, user s, sys s, max RSS kB of one run, appended to $TIMES.
measure() {
  local name=$1; shift
  /usr/bin/time -o "$BENCH_DIR/time.txt" -f "%e\t%U\t%S\t%M" "$@" >/dev/null 2>"$BENCH_DIR/stderr.txt"
  printf '%s\t%s\n' "$name" "$(cat "$BENCH_DIR/time.txt")" >> "$TIMES"
}
# kenshu and Python alternate, round by round, so that both see the same
# load on a shared machine (hyperfine would run all of one, then the other).
echo "== $RUNS interleaved rounds of kenshu and Python" >&2
measure warmup $KENSHU_CMD
for _ in $(seq "$RUNS"); do
  measure "kenshu report" $KENSHU_CMD
  measure "Python json.load" $PYTHON_CMD
done
echo "== DuckDB, one run of each reader (minutes)" >&2
measure "DuckDB read_json_objects" $DUCK_CMD
measure "DuckDB read_json (columns)" $DUCK_COLUMNS_CMD
python3 - "$TIMES" > "$BENCH_DIR/report-results.md" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, *values = line.rstrip("\n").split("\t")
    if name != "warmup":
        rows.setdefault(name, []).append([float(v) for v in values])
print("| program | runs | wall (median) | min–max | CPU user+sys (median) | peak memory |")
print("|---|---|---|---|---|---|")
for name, runs in rows.items():
    wall = [r[0] for r in runs]
    cpu = [r[1] + r[2] for r in runs]
    print(f"| {name} | {len(runs)} | {statistics.median(wall):.2f} s | {min(wall):.2f}–{max(wall):.2f} s "
          f"| {statistics.median(cpu):.2f} s | {max(r[3] for r in runs) / 1024:.0f} MiB |")
PY
# The three must agree: people per department and 受講 per department.
diff <(grep '^department' "$BENCH_DIR/duckdb.csv") <(grep '^department' "$BENCH_DIR/python.csv") >&2 \
  && echo "DuckDB and Python agree" >&2
# kenshu's departments.csv: 所属 and 提出者数 (columns 1 and 3) match theirs.
diff <(tail -n +2 "$BENCH_DIR/out/departments.csv" | sed 's/^\xEF\xBB\xBF//' | cut -d, -f1,3 | tr -d '\r') \
     <(grep '^department' "$BENCH_DIR/python.csv" | cut -d, -f2,3) >&2 \
  && echo "kenshu agrees on people per department" >&2
diff "$BENCH_DIR/duckdb.csv" "$BENCH_DIR/duckdb-columns.csv" >&2 && echo "both DuckDB readers agree" >&2
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
cat "$BENCH_DIR/report-results.md"
