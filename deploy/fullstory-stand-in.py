#!/usr/bin/env python3
"""A local stand-in for FullStory's Events API on 127.0.0.1: Create Event (POST /v2/events) and batch import
(POST /v2/events/batch, a job PROCESSING on its first poll and COMPLETED after), and List Sessions (GET
/sessions/v2, which lists no session here).

Prints one short line per Create Event request (event, idempotency key, session link; the whole body with
--show-bodies), appends it as one JSON line to --record, and answers 200 {} (after --delay-ms). While the file
named by --down-file exists it is "down": it answers 503, as FullStory does in an outage. Writes its port to
--port-file once listening. Standard library only.
"""
import argparse
import http.server
import json
import os
import sys
import threading
import time


def link(body):
    if "id" in body.get("session", {}):
        return "session.id " + body["session"]["id"]
    if "user" in body:
        most_recent = body.get("session", {}).get("use_most_recent")
        return "user.uid %s%s" % (body["user"].get("uid"), " (most recent session)" if most_recent else "")
    return "unlinked"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--record", required=True)
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument("--show-bodies", action="store_true", help="print each request's whole body")
    parser.add_argument("--down-file", help="answer 503 while this file exists")
    parser.add_argument("--host", default="127.0.0.1", help="listen address (0.0.0.0 only for sam local's Docker)")
    parser.add_argument("--port", type=int, default=0, help="listen port (default: any free one)")
    parser.add_argument("--delay-ms", type=int, default=0, help="how long each Create Event answer takes")
    args = parser.parse_args()
    jobs, lock = {}, threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # The head and the body go out in two writes: without this, Nagle holds the second for the client's
        # delayed ACK, 40 ms a request.
        disable_nagle_algorithm = True

        def answer(self, status, body):
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            if self.path.startswith("/sessions/v2?"):
                return self.answer(200, b'{"sessions":[]}')
            # GET /v2/events/batch/<id>[/errors]
            parts = self.path.split("?")[0].strip("/").split("/")
            if len(parts) < 4 or parts[:3] != ["v2", "events", "batch"] or parts[3] not in jobs:
                return self.answer(404, b'{"code":"resource_not_found","message":"no such job"}')
            with lock:
                job = jobs[parts[3]]
                if len(parts) == 5:
                    return self.answer(200 if job["polls"] >= 2 else 202, b'{"results":[],"total_records":"0"}')
                job["polls"] += 1
                done = job["polls"] >= 2
            status = "COMPLETED" if done else "PROCESSING"
            body = {"imports": job["count"] if done else 0, "errors": 0, "job": {"id": parts[3], "status": status}}
            self.answer(200, json.dumps(body).encode())

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            if self.path == "/v2/events/batch":
                requests = json.loads(raw).get("requests", [])
                with lock:
                    job = "job-%d" % (len(jobs) + 1)
                    jobs[job] = {"count": len(requests), "polls": 0}
                if not args.quiet:
                    print("FullStory stand-in: batch import job %s of %d events" % (job, len(requests)),
                          file=sys.stderr, flush=True)
                return self.answer(200, json.dumps({"job": {"id": job, "status": "PROCESSING"}}).encode())
            if args.delay_ms:
                time.sleep(args.delay_ms / 1000)
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
            down = bool(args.down_file) and os.path.exists(args.down_file)
            if down:
                status, answer = 503, b'{"code":"unavailable","message":"the stand-in is down"}'
            elif self.path == "/v2/events" and isinstance(body, dict):
                status, answer = 200, b"{}"
            else:
                status, answer = 400, b'{"code":"invalid_argument","message":"not a Create Event request"}'
            key = self.headers.get("Idempotency-Key")
            record = {
                "path": self.path,
                "status": status,
                "idempotency_key": key,
                "authorized": (self.headers.get("Authorization") or "").startswith("Basic "),
                "link": link(body) if isinstance(body, dict) else None,
                "body": body,
            }
            with open(args.record, "a") as out:
                out.write(json.dumps(record) + "\n")
            if not args.quiet:
                name = body.get("name") if isinstance(body, dict) else None
                summary = "%s  key %s  %s" % (name, key, record["link"] or "not JSON")
                print("FullStory stand-in: %d %s" % (status, summary), file=sys.stderr, flush=True)
                if args.show_bodies:
                    print("  " + json.dumps(body), file=sys.stderr, flush=True)
            self.answer(status, answer)

        def log_message(self, *arguments):
            pass

    server = http.server.ThreadingHTTPServer((args.host, args.port), Handler)
    with open(args.port_file, "w") as out:
        out.write(str(server.server_address[1]))
    server.serve_forever()


if __name__ == "__main__":
    main()
