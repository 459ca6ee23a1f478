#!/usr/bin/env python3
"""A local stand-in for the parts of Intercom's REST API the function and the backfill use, on 127.0.0.1:
- GET /me, and POST /conversations/search paging (150 at most, starting_after) over --conversations generated
  conversations created from --start on, each closed an hour later and rated (the query is not evaluated: the
  Swift stand-in of the tests does that);
- GET /contacts/{id} (the contact lookup) and GET/PUT /conversations/{id} (session pinning: a PUT sets the
  conversation's custom attributes, and is printed to standard error), GET /data_attributes.
- POST /_local/contacts/{id} with a JSON object of attributes: what the Messenger snippet would write (make local's
  "later visit"); not an Intercom endpoint.
--contact ID=ATTRIBUTE=VALUE seeds a contact's attribute. Writes its port to --port-file. Standard library only.
"""
import argparse
import base64
import http.server
import json
import sys
import threading
import urllib.parse


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
    parser.add_argument("--start", type=int, default=1_764_547_200, help="Unix time of the first searched conversation")
    parser.add_argument("--contact", action="append", default=[], help="ID=ATTRIBUTE=VALUE: a contact's attribute")
    args = parser.parse_args()
    everything = list(conversations(args.conversations, args.start))
    contacts, pinned, lock = {}, {}, threading.Lock()
    for seed in args.contact:
        contact, name, value = seed.split("=", 2)
        contacts.setdefault(contact, {})[name] = value

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

        def item(self, kind):
            """The id of /<kind>/<id>, or None."""
            parts = self.path.split("?")[0].strip("/").split("/")
            return urllib.parse.unquote(parts[1]) if len(parts) == 2 and parts[0] == kind else None

        def do_GET(self):
            if self.path == "/me":
                return self.answer(200, {"type": "admin", "app": {"type": "app", "id_code": "abc123def", "name": "Local"}})
            if self.item("contacts"):
                with lock:
                    attributes = dict(contacts.get(self.item("contacts"), {}))
                return self.answer(200, {"type": "contact", "id": self.item("contacts"), "custom_attributes": attributes})
            if self.item("conversations"):
                with lock:
                    attributes = dict(pinned.get(self.item("conversations"), {}))
                return self.answer(200, {"type": "conversation", "id": self.item("conversations"), "custom_attributes": attributes})
            if self.path.startswith("/data_attributes"):
                return self.answer(200, {"type": "list", "data": [
                    {"type": "data_attribute", "name": "fs_session_id", "model": model, "data_type": "string",
                     "messenger_writable": model == "contact", "archived": False} for model in ("contact", "conversation")]})
            self.answer(404, {"type": "error.list", "errors": [{"code": "not_found"}]})

        def do_PUT(self):
            request = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
            conversation = self.item("conversations")
            if not conversation or not isinstance(request.get("custom_attributes"), dict):
                return self.answer(400, {"type": "error.list", "errors": [{"code": "parameter_invalid"}]})
            with lock:
                pinned.setdefault(conversation, {}).update(request["custom_attributes"])
                attributes = dict(pinned[conversation])
            for name, value in request["custom_attributes"].items():
                print("Intercom stand-in: PUT /conversations/%s  %s = %s" % (conversation, name, value), file=sys.stderr, flush=True)
            self.answer(200, {"type": "conversation", "id": conversation, "custom_attributes": attributes})

        def do_POST(self):
            request = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
            if self.path.startswith("/_local/contacts/"):
                contact = urllib.parse.unquote(self.path.rsplit("/", 1)[1])
                with lock:
                    contacts.setdefault(contact, {}).update(request)
                return self.answer(200, {"type": "contact", "id": contact, "custom_attributes": contacts[contact]})
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
