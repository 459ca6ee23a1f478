#!/usr/bin/env python3
"""A local stand-in for the part of Intercom's REST API the backfill reads, on 127.0.0.1: GET /me and POST
/conversations/search, paging (150 at most, starting_after) over --conversations generated conversations, each
created inside the window the benchmark asks for, closed an hour later and rated. The query is not evaluated
(the Swift stand-in of the tests does that). Writes its port to --port-file. Standard library only.
"""
import argparse
import base64
import http.server
import json


def conversations(count, start):
    for index in range(count):
        created = start + index
        yield {"type": "conversation", "id": str(215400000000000 + index), "created_at": created,
               "updated_at": created + 3600, "state": "closed", "open": False,
               "source": {"type": "conversation", "url": "https://app.example.invalid/pricing"},
               "contacts": {"type": "contact.list", "contacts": [
                   {"type": "contact", "id": "6962%020d" % index, "external_id": "user-%d" % index}]},
               "admin_assignee_id": 9608799, "tags": {"type": "tag.list", "tags": []}, "priority": "not_priority",
               "custom_attributes": {}, "statistics": {"type": "conversation_statistics", "time_to_assignment": 30,
                                                       "last_close_at": created + 3600, "last_closed_by_id": "9608799"},
               "conversation_rating": {"rating": 4, "remark": "", "created_at": created + 3700,
                                       "updated_at": created + 3800, "teammate": {"type": "admin", "id": "9608799"}}}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--conversations", type=int, default=1000)
    parser.add_argument("--start", type=int, required=True, help="Unix time of the first conversation")
    args = parser.parse_args()
    everything = list(conversations(args.conversations, args.start))

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # The head and the body go out in two writes: without this, Nagle holds the second for the client's
        # delayed ACK, 40 ms a request.
        disable_nagle_algorithm = True

        def answer(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("X-RateLimit-Remaining", "150")
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path == "/me":
                return self.answer(200, {"type": "admin", "app": {"type": "app", "id_code": "abc123def"}})
            self.answer(404, {"type": "error.list", "errors": [{"code": "not_found"}]})

        def do_POST(self):
            request = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
            if self.path != "/conversations/search":
                return self.answer(404, {"type": "error.list", "errors": [{"code": "not_found"}]})
            per_page = request.get("pagination", {}).get("per_page", 20)
            cursor = request.get("pagination", {}).get("starting_after")
            offset = json.loads(base64.b64decode(cursor))[0] if cursor else 0
            page = {"type": "conversation.list", "total_count": len(everything),
                    "conversations": everything[offset:offset + per_page],
                    "pages": {"type": "pages", "per_page": per_page}}
            if offset + per_page < len(everything):
                page["pages"]["next"] = {"starting_after": base64.b64encode(json.dumps([offset + per_page]).encode()).decode()}
            self.answer(200, page)

        def log_message(self, *arguments):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(args.port_file, "w") as out:
        out.write(str(server.server_address[1]))
    server.serve_forever()


if __name__ == "__main__":
    main()
