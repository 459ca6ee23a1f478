#!/usr/bin/env python3
"""A local stand-in for FullStory's Create Event endpoint (POST /v2/events) on 127.0.0.1.

Prints each request it receives, appends it as one JSON line to --record, and answers 200 {}.
Writes its port to --port-file once listening. Standard library only.
"""
import argparse
import http.server
import json
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--record", required=True)
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument("--host", default="127.0.0.1", help="listen address (0.0.0.0 only for sam local's Docker)")
    parser.add_argument("--port", type=int, default=0, help="listen port (default: any free one)")
    args = parser.parse_args()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
            record = {
                "path": self.path,
                "idempotency_key": self.headers.get("Idempotency-Key"),
                "authorized": (self.headers.get("Authorization") or "").startswith("Basic "),
                "body": body,
            }
            with open(args.record, "a") as out:
                out.write(json.dumps(record) + "\n")
            if not args.quiet:
                print("FullStory stand-in received POST %s (Idempotency-Key %s):\n  %s"
                      % (self.path, record["idempotency_key"], json.dumps(body)), file=sys.stderr, flush=True)
            status, answer = (200, b"{}") if self.path == "/v2/events" and body is not None else (
                400, b'{"code":"invalid_argument","message":"not a Create Event request"}')
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *arguments):
            pass

    server = http.server.ThreadingHTTPServer((args.host, args.port), Handler)
    with open(args.port_file, "w") as out:
        out.write(str(server.server_address[1]))
    server.serve_forever()


if __name__ == "__main__":
    main()
