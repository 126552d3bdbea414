#!/usr/bin/env python3
"""Interleaved timings of `kenshu build` binaries, and optionally Hugo.

This machine's speed drifts by 20-40 % within minutes, so back-to-back
hyperfine sets can favour whichever runs second. Here every round runs each
command once, in alternating order, into a fresh output folder, and the
ratios are taken round by round.

    python3 bench/interleave.py --rounds 8 --site /dev/shm/kb/s10 OLD NEW
    python3 bench/interleave.py --rounds 6 --site /dev/shm/kb/s10 \
        --hugo "$HUGO" --hugo-site /dev/shm/kb/h10 target/release/kenshu

The first round is a warm-up and is not counted. Each build goes to
`<site>/../ok` (Hugo's to `<site>/../oh`); both, and the site's `.kenshu`
folder, are removed before each run.
"""

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import time


def timed(command, clean):
    for path in clean:
        shutil.rmtree(path, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.time()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.time() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--site", required=True, help="kenshu site folder")
    parser.add_argument("--hugo", help="Hugo binary, to time beside the first kenshu")
    parser.add_argument("--hugo-site", help="the same corpus as a Hugo site")
    parser.add_argument("kenshu", nargs="+", help="kenshu binaries to compare")
    args = parser.parse_args()
    if args.hugo and not args.hugo_site:
        parser.error("--hugo needs --hugo-site")

    parent = os.path.dirname(os.path.abspath(args.site))
    out, hugo_out = os.path.join(parent, "ok"), os.path.join(parent, "oh")
    clean = [out, os.path.join(args.site, ".kenshu")]
    commands = {
        binary: ([binary, "build", "--root", args.site, "--out", out], clean)
        for binary in args.kenshu
    }
    if args.hugo:
        commands["hugo"] = (
            [args.hugo, "--quiet", "-s", args.hugo_site, "-d", hugo_out],
            [hugo_out],
        )
    names = list(commands)
    results = {name: [] for name in names}
    for round_number in range(args.rounds + 1):
        order = names if round_number % 2 == 0 else names[::-1]
        for name in order:
            measured = timed(*commands[name])
            if round_number > 0:
                results[name].append(measured)

    for name in names:
        walls = [w for w, _ in results[name]]
        cpus = [c for _, c in results[name]]
        print(
            f"{name}: wall mean {statistics.mean(walls):.3f} s "
            f"(median {statistics.median(walls):.3f}), CPU mean {statistics.mean(cpus):.2f} s"
        )
    first = names[0]
    # Each later kenshu against the first; the first kenshu against Hugo.
    pairs = [(name, first) for name in names[1:] if name != "hugo"]
    if args.hugo:
        pairs.append((first, "hugo"))
    for top, bottom in pairs:
        walls = [a[0] / b[0] for a, b in zip(results[top], results[bottom])]
        cpus = [a[1] / b[1] for a, b in zip(results[top], results[bottom])]
        print(
            f"{top} / {bottom}: wall {statistics.median(walls):.3f}, "
            f"CPU {statistics.median(cpus):.3f} (medians of the per-round ratios)"
        )


if __name__ == "__main__":
    main()
