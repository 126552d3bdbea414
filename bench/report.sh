#!/usr/bin/env bash
# `kenshu report` benchmark: kenshu against DuckDB's read_json and a plain
# Python json.load loop, aggregating the same generated records (see
# docs/performance.md, section "kenshu report").
#
#   bench/report.sh [COUNT]        default 100000 records
#
# Environment:
#   BENCH_DIR   work folder (default /dev/shm/kenshu-report-bench, else target/)
#   RUNS        hyperfine runs per command (default 3; medians are reported)
#   SLOW_RUNS   runs of DuckDB read_json with declared columns (default 1: it
#               takes minutes on 100,000 files)
#
# Needs hyperfine and GNU time (apt-get install hyperfine time) and python3;
# DuckDB is installed with pip into a venv under target/bench-venv.
set -euo pipefail

cd "$(dirname "$0")/.."
REPO=$PWD
COUNT=${1:-100000}
RUNS=${RUNS:-3}
if [ -z "${BENCH_DIR:-}" ]; then
  if [ -d /dev/shm ] && [ -w /dev/shm ]; then BENCH_DIR=/dev/shm/kenshu-report-bench; else BENCH_DIR=$REPO/target/report-bench; fi
fi
command -v hyperfine >/dev/null || { echo "missing hyperfine: apt-get install hyperfine" >&2; exit 1; }
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

hyperfine --runs "$RUNS" --warmup 1 --export-markdown "$BENCH_DIR/report-results.md" \
  -n "kenshu report" "$KENSHU report --root $REPO --roster $DATA/roster.csv --out $BENCH_DIR/out $DATA/records" \
  -n "DuckDB read_json_objects" "$PY bench/report_duckdb.py $KEY $LITERACY $DATA/records $BENCH_DIR/duckdb.csv objects" \
  -n "Python json.load" "$PY bench/report_python.py $KEY $LITERACY $DATA/records $BENCH_DIR/python.csv"
hyperfine --runs "${SLOW_RUNS:-1}" --export-markdown "$BENCH_DIR/report-results-slow.md" \
  -n "DuckDB read_json (columns)" "$PY bench/report_duckdb.py $KEY $LITERACY $DATA/records $BENCH_DIR/duckdb-columns.csv"

echo "== peak memory (GNU time, max RSS)" >&2
for cmd in "$KENSHU report --root $REPO --roster $DATA/roster.csv --out $BENCH_DIR/out $DATA/records" \
           "$PY bench/report_duckdb.py $KEY $LITERACY $DATA/records $BENCH_DIR/duckdb.csv objects" \
           "$PY bench/report_python.py $KEY $LITERACY $DATA/records $BENCH_DIR/python.csv"; do
  /usr/bin/time -f "%M kB  %e s  %U user  %S sys  $(echo "$cmd" | cut -d' ' -f1-2)" $cmd >/dev/null 2>"$BENCH_DIR/time.txt" || true
  tail -1 "$BENCH_DIR/time.txt" >&2
done
# The three must agree: people per department and 受講 per department.
diff <(grep '^department' "$BENCH_DIR/duckdb.csv") <(grep '^department' "$BENCH_DIR/python.csv") >&2 \
  && echo "DuckDB and Python agree" >&2
# kenshu's departments.csv: 所属 and 提出者数 (columns 1 and 3) match theirs.
diff <(tail -n +2 "$BENCH_DIR/out/departments.csv" | sed 's/^\xEF\xBB\xBF//' | cut -d, -f1,3 | tr -d '\r') \
     <(grep '^department' "$BENCH_DIR/python.csv" | cut -d, -f2,3) >&2 \
  && echo "kenshu agrees on people per department" >&2
diff "$BENCH_DIR/duckdb.csv" "$BENCH_DIR/duckdb-columns.csv" >&2 && echo "both DuckDB readers agree" >&2
cat "$BENCH_DIR/report-results.md" "$BENCH_DIR/report-results-slow.md"
