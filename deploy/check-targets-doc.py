#!/usr/bin/env python3
"""docs/development.md's table of targets ("| target | uses |") is Package.swift's graph: each product target's
dependencies on the project's own targets, but for the small foundations every layer may use (a target that uses
nothing else may be left out). And the drawing of layers above it holds: every target drawn uses only targets drawn
on lower lines. Run from the repository's root; `swift package dump-package` reads the manifest. `--print` writes
the table as it should be."""
import json
import re
import subprocess
import sys

EVERY_LAYER_MAY_USE = {"ASCIIText", "SystemClock", "ProductVersion", "FileContents", "GlibcCompatibility", "SwiftRuntimeStartup"}
HEADER = "| target | uses |"


def graph(everything=False):
    manifest = json.loads(subprocess.run(["swift", "package", "dump-package"], check=True, capture_output=True, text=True).stdout)
    uses = {}
    for target in manifest["targets"]:
        if target["type"] in ("test", "system") or (target.get("path") or "").startswith("Tests"):
            continue
        names = [dependency.get("byName", dependency.get("target", [None]))[0] for dependency in target["dependencies"]]
        uses[target["name"]] = [name for name in names if name and (everything or name not in EVERY_LAYER_MAY_USE)]
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


def layers(text):
    """Each target drawn in the code block under "## Architecture", with its line's rank (0 at the top)."""
    block = text.split("## Architecture", 1)[1].split("```", 2)[1]
    ranks = {}
    for rank, line in enumerate(block.strip("\n").split("\n")):
        for word in re.findall(r"[A-Za-z][A-Za-z0-9-]*", line):
            ranks.setdefault({"intercom-fullstory": "IntercomFullStoryCLI"}.get(word, word), rank)
    return ranks


def upward(uses, ranks):
    return ["%s (line %d) uses %s, drawn on line %d" % (name, ranks[name] + 1, used, ranks[used] + 1)
            for name, targets in uses.items() if name in ranks for used in targets if used in ranks and ranks[used] <= ranks[name]]


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
    text = open("docs/development.md", encoding="utf-8").read()
    rows = documented(text)
    ranks = layers(text)
    every_use = graph(everything=True)
    if "--self-test" in sys.argv:
        # A use left out of a row, and a row for a target that is gone, are both found.
        mutated = dict(rows, Budget=[], Gone=["CurlHTTP"])
        assert len(compare(uses, mutated)) == 2, compare(uses, mutated)
        # A target drawn below one it uses is found.
        assert upward(every_use, dict(ranks, Budget=ranks["CurlHTTP"])), "an upward use went unnoticed"
        print("check-targets-doc: self-test ok")
    problems = compare(uses, rows) + upward(every_use, ranks)
    problems += ["%s is not drawn" % name for name in uses if uses[name] and name not in ranks and name != "LambdaRuntimeEcho"]
    for problem in problems:
        print("check-targets-doc: docs/development.md: " + problem, file=sys.stderr)
    if not problems:
        print("check-targets-doc: the table of targets is Package.swift's graph (%d targets)" % len(uses))
    sys.exit(1 if problems else 0)
