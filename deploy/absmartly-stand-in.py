#!/usr/bin/env python3
"""A local stand-in for ABsmartly's Collector on 127.0.0.1: PUT /v1/context (publish). Checks the headers the spec
requires and the body's shape (integer millisecond times, one hashed unit, goals), prints one line per goal, appends
each accepted publish as one JSON line to --record, and answers 200 {"ok":true,...} (400 with errors otherwise).
Writes its port to --port-file once listening. Standard library only.
"""
import argparse
import datetime
import http.server
import json
import sys


def problem(headers, body):
    for name in ("X-API-Key", "X-Application", "X-Application-Version", "X-Environment", "X-Agent"):
        if not headers.get(name):
            return "%s is required" % name
    if not isinstance(body, dict) or not isinstance(body.get("publishedAt"), int):
        return "publishedAt must be integer milliseconds"
    units, goals = body.get("units"), body.get("goals")
    if not isinstance(units, list) or len(units) != 1 or not isinstance(units[0].get("uid"), str):
        return "units must hold one unit"
    if body.get("hashed") and len(units[0]["uid"]) != 22:
        return "a hashed uid is 22 base64url characters"
    if not isinstance(goals, list) or not goals or not all(isinstance(g.get("achievedAt"), int) for g in goals):
        return "goals need integer milliseconds achievedAt"
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--record", required=True)
    args = parser.parse_args()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def answer(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_PUT(self):
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path != "/v1/context":
                return self.answer(404, {"code": 404, "message": "not found"})
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
            wrong = problem(self.headers, body)
            if wrong:
                print("ABsmartly stand-in: 400 %s" % wrong, file=sys.stderr, flush=True)
                return self.answer(400, {"ok": False, "errors": [{"message": wrong}]})
            with open(args.record, "a") as out:
                out.write(json.dumps(body) + "\n")
            unit = body["units"][0]
            for goal in body["goals"]:
                moment = datetime.datetime.fromtimestamp(goal["achievedAt"] / 1000, datetime.timezone.utc)
                print("ABsmartly stand-in: 200 goal %s  unit %s %s  achievedAt %s" % (
                    goal["name"], unit.get("type"), unit["uid"], moment.strftime("%Y-%m-%dT%H:%M:%SZ")),
                    file=sys.stderr, flush=True)
            self.answer(200, {"ok": True, "warnings": [], "errors": []})

        def log_message(self, *arguments):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(args.port_file, "w") as out:
        out.write(str(server.server_address[1]))
    server.serve_forever()


if __name__ == "__main__":
    main()
