#!/usr/bin/env python3
"""docs/development.md's table of targets ("| target | uses |") is Package.swift's graph: each product target's
dependencies on the project's own targets, but for the small foundations every layer may use (a target that uses
nothing else may be left out). Run from the
repository's root; `swift package dump-package` reads the manifest. `--print` writes the table as it should be."""
import json
import re
import subprocess
import sys

EVERY_LAYER_MAY_USE = {"ASCIIText", "SystemClock", "ProductVersion", "FileContents", "GlibcCompatibility", "SwiftRuntimeStartup"}
HEADER = "| target | uses |"


def graph():
    manifest = json.loads(subprocess.run(["swift", "package", "dump-package"], check=True, capture_output=True, text=True).stdout)
    uses = {}
    for target in manifest["targets"]:
        if target["type"] in ("test", "system") or (target.get("path") or "").startswith("Tests"):
            continue
        names = [dependency.get("byName", dependency.get("target", [None]))[0] for dependency in target["dependencies"]]
        uses[target["name"]] = [name for name in names if name and name not in EVERY_LAYER_MAY_USE]
    return uses


def documented(text):
    rows = {}
    lines = text.split("\n")
    start = lines.index(HEADER)
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        target, used = [cell.strip() for cell in line.strip("|").split("|")]
        rows[re.findall(r"`([A-Za-z0-9]+)`", target)[0]] = re.findall(r"`([A-Za-z0-9]+)`", used)
    return rows


def compare(uses, rows):
    problems = []
    for name, used in uses.items():
        if name not in rows:
            if used:
                problems.append("%s is missing" % name)
        elif set(rows[name]) != set(used):
            problems.append("%s uses %s, the table says %s" % (name, sorted(used), sorted(rows[name])))
    return problems + ["%s is no target" % name for name in rows if name not in uses]


if __name__ == "__main__":
    uses = graph()
    if "--print" in sys.argv:
        print(HEADER + "\n|---|---|")
        for name, used in uses.items():
            print("| `%s` | %s |" % (name, ", ".join("`%s`" % u for u in used) or "nothing"))
        sys.exit(0)
    rows = documented(open("docs/development.md", encoding="utf-8").read())
    if "--self-test" in sys.argv:
        # A use left out of a row, and a row for a target that is gone, are both found.
        mutated = dict(rows, Budget=[], Gone=["CurlHTTP"])
        assert len(compare(uses, mutated)) == 2, compare(uses, mutated)
        print("check-targets-doc: self-test ok")
    problems = compare(uses, rows)
    for problem in problems:
        print("check-targets-doc: docs/development.md: " + problem, file=sys.stderr)
    if not problems:
        print("check-targets-doc: the table of targets is Package.swift's graph (%d targets)" % len(uses))
    sys.exit(1 if problems else 0)
