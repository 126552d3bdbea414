"""The plain-Python baseline of bench/report.sh: json.load every file and
aggregate what `kenshu report` counts (people by staff number, modules
passed, people and 受講 per department), with the same merge (passed = either).

    python3 bench/report_python.py SITE_KEY LITERACY_IDS(comma-separated) DIR OUT.csv
"""
import json
import os
import sys
from collections import defaultdict


def main():
    key, literacy, folder, out = sys.argv[1], set(sys.argv[2].split(",")), sys.argv[3], sys.argv[4]
    people = {}
    skipped = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            if not name.endswith(".json"):
                continue
            path = os.path.join(root, name)
            try:
                if os.path.getsize(path) > 2 * 1024 * 1024:
                    raise ValueError("too big")
                with open(path, encoding="utf-8") as f:
                    data = json.load(f)
                if data.get("format") != "kenshu-progress" or data.get("schema") not in (1, 2):
                    raise ValueError("not a record")
                if data.get("site", {}).get("key") not in (None, key):
                    raise ValueError("other site")
            except (OSError, ValueError) as err:
                skipped += 1
                continue
            learner = data.get("learner") or {}
            number = learner.get("staffNumber") or path
            person = people.setdefault(number, {"dept": learner.get("department", ""), "passed": set()})
            for module, record in data["modules"].items():
                if record.get("passed") is True:
                    person["passed"].add(module)
    passed = defaultdict(int)
    departments = defaultdict(lambda: [0, 0])
    for person in people.values():
        for module in person["passed"]:
            passed[module] += 1
        row = departments[person["dept"]]
        row[0] += 1
        row[1] += literacy <= person["passed"]
    with open(out, "w", encoding="utf-8") as f:
        for module in sorted(passed):
            f.write(f"module,{module},{passed[module]}\n")
        for dept in sorted(departments):
            f.write(f"department,{dept},{departments[dept][0]},{departments[dept][1]}\n")
    print(f"{len(people)} people, {skipped} files skipped", file=sys.stderr)


main()
