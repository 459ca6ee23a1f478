#!/usr/bin/env python3
"""`make symbol-order`: writes deploy/symbol-order.txt, the functions the bootstrap runs, in first-run order.

deploy/build.sh hands the file to the linker (lld --symbol-ordering-file), which puts those functions side by
side at the start of the code. The kernel maps code in 64 KB windows around each page touched, so hot code
spread over the 4.7 MB of the Swift runtime made most of the binary resident; grouped, a few hundred KB are.

The list comes from a real run: the release bootstrap under valgrind's callgrind, behind the benchmark's Runtime
API server (Benchmarks/runtime-api-bench.c), answering the mixed events of the soak test. A stale entry (a
renamed function) is skipped by the linker, so the file only needs regenerating after large changes.
Needs valgrind.
"""
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "Benchmarks"))
from run import BENCH, build_bootstrap_and_harness  # noqa: E402

EVENTS = [("closed.v1", 200), ("rated.v2", 200), ("opened.v1", 200), ("ping.v1", 200), ("ping.v2", 200),
          ("closed.v2", 200), ("closed-base64.v1", 200), ("bad-signature.v1", 401), ("ignored-topic.v2", 200),
          ("head.v2", 200)]


def functions_run(callgrind_output, binary):
    """Names of the functions of `binary` that ran, in the order callgrind first met them."""
    names, seen, current_object = [], set(), ""
    with open(callgrind_output) as lines:
        for line in lines:
            if line.startswith("ob="):
                current_object = line[3:].strip()
            elif line.startswith("fn=") and current_object == binary:
                name = line[3:].strip().split("'")[0]  # callgrind marks recursion levels as name'2
                if not name.startswith("0x") and name not in seen:
                    seen.add(name)
                    names.append(name)
    return names


def main():
    build_bootstrap_and_harness()
    bin_path = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                              text=True, stdout=subprocess.PIPE).stdout.strip()
    with tempfile.TemporaryDirectory() as work:
        binary = os.path.join(work, "bootstrap")
        # Symbols, no DWARF: valgrind reads the symbol table, and the release DWARF trips its reader.
        subprocess.run(["strip", "--strip-debug", "-o", binary, f"{bin_path}/bootstrap"], check=True)
        output = os.path.join(work, "callgrind.out")
        wrapper = os.path.join(work, "under-callgrind")
        with open(wrapper, "w") as script:
            script.write(f"#!/bin/sh\nexec valgrind --tool=callgrind --callgrind-out-file={output} --dump-instr=no "
                         f"--demangle=no --compress-strings=no --compress-pos=no {binary}\n")
        os.chmod(wrapper, 0o755)
        specs = [f"{ROOT}/events/{name}.json:{status}" for name, status in EVENTS]
        subprocess.run([f"{BENCH}/runtime-api-bench", "--soak", wrapper, "200", "50", os.path.join(work, "record"),
                        os.path.join(work, "log")] + specs, check=True, stdout=subprocess.DEVNULL)
        names = functions_run(output, binary)
    if len(names) < 100:
        raise SystemExit(f"symbol-order: only {len(names)} functions recorded; is valgrind working?")
    with open(os.path.join(ROOT, "deploy", "symbol-order.txt"), "w") as out:
        out.write("\n".join(names) + "\n")
    print(f"deploy/symbol-order.txt: {len(names)} functions")


if __name__ == "__main__":
    main()
