#!/usr/bin/env python3
"""`make bench`: builds the shipped bootstrap, the C floor (an echo runtime on libcurl; a second build of it
also makes a closed conversation's two outbound exchanges, with no work) and the Swift loop with a do-nothing
handler, runs each several times under the lean Runtime API server (Benchmarks/runtime-api-bench.c) with loopback
stand-ins, measures the package, runs the ordo-one handler benchmark, measures the backfill's throughput on both of
its paths against loopback stand-ins (FullStory answering in 20 ms), puts `intercom-fullstory serve` under closed
webhooks from 1 and 16 clients against the same stand-ins as the bootstrap (paired with the bootstrap's closed
figure of the same run), and prints one table of medians (with the min-max spread across runs) against the targets.
"""
import hashlib
import hmac
import json
import shutil
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, ".build", "bench")
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
WARM = int(os.environ.get("BENCH_INVOCATIONS", "2000"))
# Extra spawns per run for the cold-start figures alone (about 10 ms each): cold starts vary by a millisecond
# from one spawn to the next here, so their medians need more samples than the warm figures.
COLD_SPAWNS = int(os.environ.get("BENCH_COLD_SPAWNS", "8"))
PING = os.path.join(ROOT, "events", "ping.v1.json")
CLOSED = os.path.join(ROOT, "events", "closed.v1.json")
OPENED = os.path.join(ROOT, "events", "opened.v1.json")
# Session pinning's three paths for one opened conversation, with the Runtime API server's environment for each:
# off (contact lookup, event), pinned from the contact's attribute (+ the PUT), and through List Sessions (the
# contact carries no session: + List Sessions + the PUT). FullStory's stand-in answers List Sessions with a session
# begun a minute before the sample conversation (its answer is also a fine Create Event answer).
PINNING_MODES = {
    "off": {},
    "contact": {"INTERCOM_PIN_SESSIONS": "true"},
    "list-sessions": {"INTERCOM_PIN_SESSIONS": "true", "BENCH_CONTACT_WITHOUT_SESSION": "1",
                      "BENCH_FULLSTORY_BODY": '{"sessions":[{"userId":"5629499534213120","sessionId":"1",'
                                              '"createdTime":"1768031729"}]}'},
}


def run(command, **kwargs):
    return subprocess.run(command, cwd=ROOT, check=True, text=True, **kwargs)


def build_bootstrap_and_harness():
    """The shipped bootstrap (its path) and the lean Runtime API server, at .build/bench/runtime-api-bench."""
    os.makedirs(BENCH, exist_ok=True)
    bootstrap = run(["deploy/build.sh"], stdout=subprocess.PIPE).stdout.strip()
    run(["gcc", "-O2", "-o", f"{BENCH}/runtime-api-bench", "Benchmarks/runtime-api-bench.c", "-lpthread"])
    return os.path.join(ROOT, bootstrap)


def build():
    # The fixed-address build (deploy/build.sh's opt-in) first, kept aside for the paired cold-start comparison;
    # then the shipped, position-independent one.
    os.makedirs(BENCH, exist_ok=True)
    fixed = run(["deploy/build.sh"], stdout=subprocess.PIPE, env=dict(os.environ, BOOTSTRAP_FIXED_ADDRESS="1")).stdout.strip()
    run(["cp", fixed, f"{BENCH}/bootstrap-fixed-address"])
    bootstrap = build_bootstrap_and_harness()
    run(["gcc", "-O2", "-o", f"{BENCH}/echo-runtime", "Benchmarks/echo-runtime.c", "-lcurl"])
    run(["gcc", "-O2", "-DFORWARD", "-o", f"{BENCH}/echo-runtime-forward", "Benchmarks/echo-runtime.c", "-lcurl"])
    echo = run(["deploy/build.sh", "LambdaRuntimeEcho"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout.strip()
    run(["cp", echo, f"{BENCH}/swift-echo"])
    return bootstrap


def measure(binary, warm_events, one_cpu=False):
    """One spawn, then WARM invocations of each event. `one_cpu` keeps the server and the runtime on CPU 0:
    no cross-CPU wake-ups (tens of microseconds each in this VM), so what remains is the work itself."""
    args = (["taskset", "-c", "0"] if one_cpu else []) + [f"{BENCH}/runtime-api-bench", binary, PING]
    for event in warm_events:
        args += [event, str(WARM)]
    return json.loads(run(args, stdout=subprocess.PIPE).stdout)


def opened_with_external_id():
    """The sample opened webhook with an external_id (List Sessions needs one), signed as events/generate.sh signs."""
    with open(os.path.join(ROOT, "events", "bodies", "opened.json")) as source:
        body = source.read().replace('"external_id":null', '"external_id":"5e68ece4"')
    signature = "sha1=" + hmac.new(b"test-intercom-client-secret", body.encode(), hashlib.sha1).hexdigest()
    event = {"httpMethod": "POST", "path": "/intercom", "headers": {"X-Hub-Signature": signature},
             "requestContext": {"requestId": "bench"}, "body": body, "isBase64Encoded": False}
    path = os.path.join(BENCH, "opened-external-id.json")
    with open(path, "w") as out:
        json.dump(event, out)
    return path


def measure_pinning(binary, mode, opened_external):
    """WARM opened webhooks in one of PINNING_MODES."""
    event = opened_external if mode == "list-sessions" else OPENED
    args = [f"{BENCH}/runtime-api-bench", binary, PING, event, str(WARM)]
    return json.loads(run(args, stdout=subprocess.PIPE, env=dict(os.environ, **PINNING_MODES[mode])).stdout)


def measure_destinations(binary, both):
    """WARM closed webhooks with FullStory alone, or with ABsmartly beside it (BENCH_ABSMARTLY)."""
    args = [f"{BENCH}/runtime-api-bench", binary, PING, CLOSED, str(WARM)]
    env = dict(os.environ, BENCH_ABSMARTLY="1") if both else dict(os.environ)
    return json.loads(run(args, stdout=subprocess.PIPE, env=env).stdout)["warm"][0]["p50_us"]


def cold_start(binary):
    """Microseconds from spawn to the first GET /next (one warm ping follows, unmeasured)."""
    return json.loads(run([f"{BENCH}/runtime-api-bench", binary, PING, PING, "1"], stdout=subprocess.PIPE).stdout)[
        "cold_start_us"]


def instructions_per_invocation(binary, event):
    """Instructions one warm invocation of `event` costs under callgrind: repeatable where times are not, so a
    change that makes hot code slower (an unspecialized generic across modules, say) shows at once. `None`
    without valgrind."""
    if shutil.which("valgrind") is None:
        return None
    totals = []
    with tempfile.TemporaryDirectory() as work:
        for count in (100, 600):
            output = os.path.join(work, "callgrind.%d" % count)
            wrapper = os.path.join(work, "under-callgrind")
            with open(wrapper, "w") as script:
                script.write("#!/bin/sh\nexec valgrind --tool=callgrind --callgrind-out-file=%s %s\n" % (output, binary))
            os.chmod(wrapper, 0o755)
            subprocess.run([f"{BENCH}/runtime-api-bench", "--soak", wrapper, str(count), "10", os.path.join(work, "record"),
                            os.path.join(work, "log"), event + ":200"], check=True, stdout=subprocess.DEVNULL)
            with open(output) as lines:
                totals.append(next(int(line.split()[1]) for line in lines if line.startswith("summary:")))
    return (totals[1] - totals[0]) / 500


def package_sizes():
    out = run(["deploy/package.sh"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
    zip_bytes, binary_bytes = re.search(r"function.zip (\d+) bytes.*bootstrap (\d+) bytes", out).groups()
    return int(zip_bytes), int(binary_bytes)


def handler_cost():
    """p50 wall time (us) and allocations of the ordo-one benchmark for the closed event."""
    out = run(["swift", "package", "--package-path", "Benchmarks", "benchmark", "--filter", "closed.*",
               "--no-progress"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT).stdout
    values = {}
    for metric, label in (("Malloc (total)", "mallocs"), ("Time (wall clock) (μs)", "wall_us"),
                          ("Time (wall clock) (ns)", "wall_ns")):
        match = re.search(re.escape(metric) + r" \*?\s*│\s*([\d.]+)\s*│\s*([\d.]+)\s*│\s*([\d.]+)", out)
        if match:
            values[label] = float(match.group(3))  # p50 column
    if "wall_ns" in values:
        values["wall_us"] = values["wall_ns"] / 1000
    if "wall_us" not in values or "mallocs" not in values:
        sys.stderr.write(out)
        raise SystemExit("bench: could not read the handler benchmark's output")
    return values


SERVE_SECONDS = float(os.environ.get("BENCH_SERVE_SECONDS", "5"))


def release_cli():
    """The release `intercom-fullstory` (the backfill's and serve's figures)."""
    run(["swift", "build", "-c", "release", "--product", "intercom-fullstory"], stdout=subprocess.DEVNULL)
    return os.path.join(run(["swift", "build", "-c", "release", "--show-bin-path"], stdout=subprocess.PIPE).stdout.strip(),
                        "intercom-fullstory")


def serve_load(cli, clients):
    """`serve` under SERVE_SECONDS of signed closed webhooks from `clients` keep-alive clients, one request after
    another each, against the runtime-api-bench stand-ins (the bootstrap's): latencies, rate, answers."""
    with open(os.path.join(ROOT, "events", "bodies", "closed.json"), "rb") as source:
        body = source.read()
    signature = "sha1=" + hmac.new(b"test-intercom-client-secret", body, hashlib.sha1).hexdigest()
    return json.loads(run([f"{BENCH}/runtime-api-bench", "--serve", cli, os.path.join(ROOT, "events", "bodies", "closed.json"),
                           signature, str(clients), str(SERVE_SECONDS)], stdout=subprocess.PIPE).stdout)


BACKFILL_CONVERSATIONS = int(os.environ.get("BENCH_BACKFILL_CONVERSATIONS", "700"))  # three events each
BACKFILL_RUNS = int(os.environ.get("BENCH_BACKFILL_RUNS", "3"))


def start_stand_in(script, work, name, *arguments):
    port_file = os.path.join(work, name + ".port")
    process = subprocess.Popen([sys.executable, script, "--port-file", port_file, *arguments], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        if os.path.exists(port_file) and os.path.getsize(port_file):
            with open(port_file) as port:
                return process, int(port.read())
        time.sleep(0.05)
    raise SystemExit("bench: %s did not start" % script)


def backfill_throughput():
    """Events per second of `intercom-fullstory backfill` (release build) over a window of BACKFILL_CONVERSATIONS
    conversations (opened, closed and rated each), FullStory's stand-in answering each Create Event in 20 ms:
    the median of BACKFILL_RUNS runs per path, each a fresh run (keys dedupe only inside the stand-in's memory)."""
    cli = release_cli()
    start = 1_764_547_200
    window = ["--since", "2025-12-01T00:00:00Z", "--until", "2025-12-03T00:00:00Z"]
    results = {}
    with tempfile.TemporaryDirectory() as work:
        intercom, intercom_port = start_stand_in("deploy/intercom-stand-in.py", work, "intercom",
                                                 "--conversations", str(BACKFILL_CONVERSATIONS), "--start", str(start))
        try:
            for via in ("create-event", "batch"):
                rates = []
                for attempt in range(BACKFILL_RUNS):
                    fullstory, fullstory_port = start_stand_in(
                        "deploy/fullstory-stand-in.py", work, "fullstory-%s-%d" % (via, attempt), "--delay-ms", "20",
                        "--quiet", "--record", os.path.join(work, "record-%s-%d.jsonl" % (via, attempt)))
                    try:
                        environment = dict(os.environ, INTERCOM_ACCESS_TOKEN="bench-token",
                                           INTERCOM_API_URL="http://127.0.0.1:%d" % intercom_port,
                                           FULLSTORY_API_KEY="bench-key",
                                           FULLSTORY_API_URL="http://127.0.0.1:%d" % fullstory_port)
                        out = subprocess.run([cli, "backfill", *window, "--via", via, "--yes", "--poll-seconds", "0.1"],
                                             env=environment, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                             text=True, check=True).stdout
                    finally:
                        fullstory.terminate()
                        fullstory.wait()
                    summary = json.loads(out.strip().splitlines()[-1])
                    rates.append((summary["sent"] / summary["duration_seconds"], summary["sent"], summary["duration_seconds"]))
                results[via] = sorted(rates)[len(rates) // 2]
        finally:
            intercom.terminate()
            intercom.wait()
    return results


def summary(samples):
    return statistics.median(samples), min(samples), max(samples)


def main():
    bootstrap = build()
    results = {"bootstrap": [], "floor": [], "floor-forward": [], "swift-echo": []}
    cold_starts = {"bootstrap": [], "floor": [], "swift-echo": [], "bootstrap-fixed-address": []}
    one_cpu = {"bootstrap": [], "floor": [], "floor-forward": []}
    cold_over_floor = []
    pie_over_fixed = []
    shuffler = random.Random(5)
    binaries = {"bootstrap": bootstrap, "floor": f"{BENCH}/echo-runtime", "swift-echo": f"{BENCH}/swift-echo",
                "bootstrap-fixed-address": f"{BENCH}/bootstrap-fixed-address"}
    handlers = []
    pinning = {mode: [] for mode in PINNING_MODES}
    destinations = {"fullstory": [], "both": []}
    opened_external = opened_with_external_id()
    cli = release_cli()
    serve = {1: [], 16: []}
    serve_over_function = []
    for _ in range(RUNS):  # interleaved, so a noisy moment hits every runtime alike
        handlers.append(handler_cost())  # one ordo-one run of up to 20,000 iterations
        results["floor"].append(measure(f"{BENCH}/echo-runtime", [PING]))
        results["floor-forward"].append(measure(f"{BENCH}/echo-runtime-forward", [CLOSED]))
        results["swift-echo"].append(measure(f"{BENCH}/swift-echo", [PING]))
        results["bootstrap"].append(measure(bootstrap, [PING, CLOSED]))
        one_cpu["floor"].append(measure(f"{BENCH}/echo-runtime", [PING], one_cpu=True))
        one_cpu["floor-forward"].append(measure(f"{BENCH}/echo-runtime-forward", [CLOSED], one_cpu=True))
        one_cpu["bootstrap"].append(measure(bootstrap, [CLOSED], one_cpu=True))
        for mode in PINNING_MODES:
            pinning[mode].append(measure_pinning(bootstrap, mode, opened_external)["warm"][0]["p50_us"])
        destinations["fullstory"].append(measure_destinations(bootstrap, both=False))
        destinations["both"].append(measure_destinations(bootstrap, both=True))
        for clients in serve:
            serve[clients].append(serve_load(cli, clients))
        # The HTTP front's cost: serve's closed p50 (one client) less the bootstrap's in this run, same stand-ins.
        serve_over_function.append(serve[1][-1]["p50_us"] - results["bootstrap"][-1]["warm"][1]["p50_us"])
        for _ in range(COLD_SPAWNS):
            # Back to back, in a shuffled order, so that each round's difference to the floor is measured under
            # the same conditions; the machine's slow phases then cancel out of the paired differences.
            order = list(binaries)
            shuffler.shuffle(order)
            round_starts = {name: cold_start(binaries[name]) for name in order}
            for name, value in round_starts.items():
                cold_starts[name].append(value)
            cold_over_floor.append(round_starts["bootstrap"] - round_starts["floor"])
            pie_over_fixed.append(round_starts["bootstrap"] - round_starts["bootstrap-fixed-address"])
    for name, rows in results.items():
        cold_starts.setdefault(name, []).extend(row["cold_start_us"] for row in rows)
    zip_bytes, binary_bytes = package_sizes()
    backfill = backfill_throughput()
    instructions = [instructions_per_invocation(bootstrap, event) for event in (PING, CLOSED)]
    handler_time = summary([h["wall_us"] for h in handlers])
    handler_mallocs = statistics.median(h["mallocs"] for h in handlers)

    def metric(runtime, key, warm_index=None):
        rows = results[runtime]
        if warm_index is None:
            return summary([row[key] for row in rows])
        return summary([row["warm"][warm_index][key] for row in rows])

    pin_over_off = {mode: summary([on - off for on, off in zip(pinning[mode], pinning["off"])])
                    for mode in ("contact", "list-sessions")}
    both_over_fullstory = summary([b - f for b, f in zip(destinations["both"], destinations["fullstory"])])
    floor_cold = summary(cold_starts["floor"])
    floor_ping = metric("floor", "p50_us", 0)
    cold = summary(cold_starts["bootstrap"])
    first = metric("bootstrap", "first_invocation_us")
    ping = metric("bootstrap", "p50_us", 0)
    ping99 = metric("bootstrap", "p99_us", 0)
    closed = metric("bootstrap", "p50_us", 1)
    closed99 = metric("bootstrap", "p99_us", 1)
    peak = metric("bootstrap", "peak_rss_kb")
    growth = summary([r["rss_at_end_kb"] - r["rss_at_100_kb"] for r in results["bootstrap"]])

    def ms(value):
        return "%.2f ms" % (value / 1000)

    def serve_row(clients):
        rows_of = serve[clients]
        return ("%s / %s, %.0f per s" % (
            spread(summary([r["p50_us"] for r in rows_of]), us), us(statistics.median(r["p99_us"] for r in rows_of)),
            statistics.median(r["per_second"] for r in rows_of)),
            "%d answered, %d not 2xx, %d connection errors, %d events sent, serve exit %s" % (
                sum(r["requests"] for r in rows_of), sum(r["requests"] - r["status_2xx"] for r in rows_of),
                sum(r["connection_errors"] for r in rows_of), sum(r["fullstory_events"] for r in rows_of),
                "/".join(sorted({str(r["serve_exit"]) for r in rows_of}))))

    def us(value):
        return "%.0f µs" % value

    def spread(values, unit):
        return "%s (%s–%s)" % (unit(values[0]), unit(values[1]), unit(values[2]))

    rows = [
        ("spawn to first GET /next", spread(cold, ms), "floor %s" % spread(floor_cold, ms), "", None),
        ("  the same, minus the floor spawned beside it", spread(summary(cold_over_floor), ms), "",
         "≤ floor + 1 ms", statistics.median(cold_over_floor) <= 1000),
        ("  position-independent (shipped) minus fixed-address, paired", spread(summary(pie_over_fixed), ms),
         "fixed-address %s" % ms(summary(cold_starts["bootstrap-fixed-address"])[0]), "(the cost of ASLR)", None),
        ("first invocation (ping) after cold start", spread(first, us), "warm ping p50 %s" % us(ping[0]),
         "≤ warm + 2 ms", first[0] <= ping[0] + 2000),
        ("warm ping invocation p50 / p99", "%s / %s" % (spread(ping, us), us(ping99[0])),
         "floor %s" % spread(floor_ping, us), "≤ 1.5× floor", ping[0] <= 1.5 * floor_ping[0]),
        ("warm closed invocation p50 / p99 (lookup + delivery)", "%s / %s" % (spread(closed, us), us(closed99[0])),
         "floor ping %s; C, same 4 exchanges %s" % (us(floor_ping[0]), us(metric("floor-forward", "p50_us", 0)[0])),
         "≤ 3× floor ping", closed[0] <= 3 * floor_ping[0]),
        ("warm opened p50: pinning off / from the contact / through List Sessions",
         " / ".join(us(summary(pinning[mode])[0]) for mode in PINNING_MODES), "exchanges 2 / 3 / 4", "(diagnostic)", None),
        ("  the pin's cost over off, paired: + PUT / + List Sessions and PUT",
         "%s / %s" % (spread(pin_over_off["contact"], us), spread(pin_over_off["list-sessions"], us)), "", "(diagnostic)", None),
        ("warm closed p50: FullStory alone / with ABsmartly beside it",
         "%s / %s" % (us(summary(destinations["fullstory"])[0]), us(summary(destinations["both"])[0])),
         "paired difference %s" % spread(both_over_fullstory, us), "(diagnostic)", None),
        ("warm throughput (ping / closed)", "%.0f / %.0f per s" % (
            statistics.median(r["warm"][0]["per_second"] for r in results["bootstrap"]),
            statistics.median(r["warm"][1]["per_second"] for r in results["bootstrap"])),
         "floor %.0f per s" % statistics.median(r["warm"][0]["per_second"] for r in results["floor"]), "", None),
        ("peak RSS", spread(peak, lambda kb: "%.1f MB" % (kb / 1024)),
         "floor %.1f MB" % (metric("floor", "peak_rss_kb")[0] / 1024), "≤ 12 MB", peak[0] <= 12 * 1024),
        ("RSS growth, invocation 100 → %d" % (2 * WARM + 1), spread(growth, lambda kb: "%d KB" % kb), "", "", None),
        ("deployment zip / stripped bootstrap", "%.2f MB / %.2f MB" % (zip_bytes / 1048576, binary_bytes / 1048576),
         "", "≤ 4 MB zip", zip_bytes <= 4 * 1048576),
        ("core handler, 6 KB closed event (ordo-one p50)",
         "%s, %d allocations" % (spread(handler_time, lambda v: "%.1f µs" % v), handler_mallocs),
         "", "≤ 30 µs, ≤ 200 allocations", handler_time[0] <= 30 and handler_mallocs <= 200),
        ("on one CPU: floor ping / C, same 4 exchanges / closed p50",
         " / ".join(us(statistics.median(r["warm"][0]["p50_us"] for r in one_cpu[name]))
                    for name in ("floor", "floor-forward", "bootstrap")), "", "(diagnostic)", None),
        ("backfill, Create Event path (FullStory answering in 20 ms)",
         "%.0f events/s (%d events in %.1f s)" % backfill["create-event"], "10 requests at a time",
         "≥ 200 events/s", backfill["create-event"][0] >= 200),
        ("backfill, batch import path (one job, polled every 0.1 s)",
         "%.0f events/s (%d events in %.1f s)" % backfill["batch"], "", "(diagnostic)", None),
        ("warm instructions per invocation, callgrind (ping / closed)",
         "n/a (no valgrind)" if None in instructions else "%.0fK / %.0fK" % (instructions[0] / 1000, instructions[1] / 1000),
         "", "(diagnostic)", None),
        ("serve, closed webhook, 1 client: p50 / p99, rate", serve_row(1)[0], serve_row(1)[1],
         "every answer 200, one event each", all(r["status_2xx"] == r["requests"] == r["fullstory_events"] and not r["connection_errors"] for r in serve[1])),
        ("serve, closed webhook, 16 clients: p50 / p99, rate", serve_row(16)[0], serve_row(16)[1],
         "every answer 200, one event each", all(r["status_2xx"] == r["requests"] == r["fullstory_events"] and not r["connection_errors"] for r in serve[16])),
        ("  serve's HTTP front over the function's handling, paired (1 client p50 − bootstrap closed p50)",
         spread(summary(serve_over_function), us), "", "(diagnostic)", None),
        ("Swift loop, do-nothing handler: cold / warm ping p50",
         "%s / %s" % (ms(summary(cold_starts["swift-echo"])[0]), us(metric("swift-echo", "p50_us", 0)[0])),
         "", "(diagnostic)", None),
    ]
    header = ("figure (median of %d runs, min–max; cold starts: %d spawns)" % (RUNS, RUNS * (COLD_SPAWNS + 1)),
              "measured", "reference", "target", "met")
    table = [header] + [(a, b, c, d, "" if e is None else ("yes" if e else "**no**")) for a, b, c, d, e in rows]
    widths = [max(len(row[i]) for row in table) for i in range(5)]
    lines = ["| " + " | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) + " |" for row in table]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    print("\n".join(lines))
    with open(os.path.join(BENCH, "results.json"), "w") as out:
        json.dump({"runs": results, "pinning": pinning, "destinations": destinations, "cold_starts": cold_starts, "cold_over_floor": cold_over_floor, "pie_over_fixed": pie_over_fixed,
                   "one_cpu": one_cpu, "zip_bytes": zip_bytes, "binary_bytes": binary_bytes,
                   "handler": handlers, "backfill": backfill, "serve": serve, "serve_over_function": serve_over_function}, out)


if __name__ == "__main__":
    main()
