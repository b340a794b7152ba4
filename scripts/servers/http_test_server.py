#!/usr/bin/python3
"""A small REST API for the HTTP connector tests: every pagination style, auth kinds, 429 with
Retry-After, 500s, slow responses, a webhook sink, and a Nominatim-like geocoder for the lookup
transform (/search, /search/batch). Usage: http_test_server.py PORT
(prints "ready PORT" once listening; 0 picks a free port). Data: 25 records
{"id": i, "name": "n<i>", "user": {"name": "u<i>", "geo": {"lat": i/2}}, "tags": [...]}."""
import base64
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

RECORDS = [{"id": i, "name": "n%d" % i, "active": i % 2 == 0, "score": i * 1.5 if i % 5 else None,
            "user": {"name": "u%d" % i, "geo": {"lat": i / 2}}, "tags": ["t%d" % i]} for i in range(1, 26)]
LOCK = threading.Lock()
HITS = {}      # key -> request count
RECEIVED = {}  # sink key -> list of bodies
TIMES = {}     # geocoder tag -> arrival times (seconds, monotonic)
INFLIGHT = {}  # geocoder tag -> [requests in flight now, most at once]


def hit(key):
    with LOCK:
        HITS[key] = HITS.get(key, 0) + 1
        return HITS[key]


def place(q):
    """The geocoder's one match for `q`, or None. "addr-N ..." is at (40 + N/1000, -3 - N/1000);
    Berlin and Paris are where Nominatim puts them. Coordinates are strings, as Nominatim sends them."""
    fixed = {"Berlin": ("52.5170365", "13.3888599", "Berlin, Deutschland"),
             "Paris": ("48.8588897", "2.3200410", "Paris, Ile-de-France, France")}
    if q in fixed:
        lat, lon, name = fixed[q]
        return {"place_id": 1, "lat": lat, "lon": lon, "display_name": name, "importance": 0.9}
    if q.startswith("addr-"):
        n = int(q[5:].split()[0])
        return {"place_id": 1000 + n, "lat": "%.3f" % (40 + n / 1000), "lon": "%.3f" % (-3 - n / 1000),
                "display_name": "Address %d" % n, "importance": 0.5}
    return None


def geocode(q, tag):
    """(status, body, headers) for one /search query. Special queries: "bad ..." answers 400,
    "gone ..." 404, "flaky ..." 503 on its first request, "badlat ..." a latitude that is no number."""
    if q.startswith("bad "):
        return 400, {"error": "Nominatim could not parse the query"}, {}
    if q.startswith("gone "):
        return 404, {"error": "not found"}, {}
    if q.startswith("flaky ") and hit("flaky:%s:%s" % (tag, q)) == 1:
        return 503, {"error": "overloaded"}, {}
    if q.startswith("badlat "):
        return 200, [{"lat": "north", "lon": "1.0", "display_name": q}], {}
    match = place(q.split(" ", 1)[1] if q.startswith("flaky ") else q)
    return 200, [match] if match else [], {}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, code, body, headers=None):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def base(self):
        return "http://%s" % self.headers.get("Host")

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    def route(self, method):
        url = urlparse(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        p = url.path
        if p == "/page":  # ?page=1&per_page=10 -> {"data": {"items": [...]}}
            page, per = int(q.get("page", 1)), int(q.get("per_page", 10))
            return self.reply(200, {"data": {"items": RECORDS[(page - 1) * per: page * per]}, "page": page})
        if p == "/offset":  # ?offset=0&limit=10 -> {"results": [...]}
            off, lim = int(q.get("offset", 0)), int(q.get("limit", 10))
            return self.reply(200, {"results": RECORDS[off: off + lim]})
        if p == "/cursor":  # ?cursor=N -> {"items": [...], "meta": {"next": "N+7" | null}}
            start = int(q.get("cursor", 0) or 0)
            nxt = start + 7 if start + 7 < len(RECORDS) else None
            return self.reply(200, {"items": RECORDS[start: start + 7], "meta": {"next": None if nxt is None else str(nxt)}})
        if p == "/link":  # ?page=N -> [...] with a Link: <…>; rel="next" header
            page = int(q.get("page", 1))
            headers = {}
            if page * 10 < len(RECORDS):
                headers["Link"] = '<%s/link?page=%d>; rel="next", <%s/link?page=1>; rel="first"' % (self.base(), page + 1, self.base())
            return self.reply(200, RECORDS[(page - 1) * 10: page * 10], headers)
        if p == "/nexturl":  # {"records": [...], "next": "<url>" | null}
            page = int(q.get("page", 1))
            nxt = "%s/nexturl?page=%d" % (self.base(), page + 1) if page * 10 < len(RECORDS) else None
            return self.reply(200, {"records": RECORDS[(page - 1) * 10: page * 10], "next": nxt})
        if p == "/flaky429":  # first call per key: 429 Retry-After: 1
            if hit("429:" + q.get("key", "")) == 1:
                return self.reply(429, {"error": "slow down"}, {"Retry-After": "1"})
            return self.reply(200, {"items": RECORDS[:3]})
        if p == "/flaky500":  # first `fail` calls per key: 500
            if hit("500:" + q.get("key", "")) <= int(q.get("fail", 2)):
                return self.reply(500, {"error": "boom"})
            return self.reply(200, {"items": RECORDS[:3]})
        if p == "/slow":
            time.sleep(float(q.get("delay", 2)))
            return self.reply(200, {"items": RECORDS[:1]})
        if p in ("/search", "/search/batch"):
            return self.geocoder(p, method, q, body)
        if p == "/geocoder":  # ?tag=T -> what the geocoder saw for tag T
            with LOCK:
                return self.reply(200, {"requests": HITS.get("search:" + q.get("tag", ""), 0),
                                        "times": TIMES.get(q.get("tag", ""), []),
                                        "max_in_flight": INFLIGHT.get(q.get("tag", ""), [0, 0])[1]})
        if p == "/hits":
            with LOCK:
                return self.reply(200, {"count": HITS.get(q.get("key", ""), 0)})
        if p.startswith("/auth/"):
            return self.auth(p[6:], q)
        if p == "/oauth/token":
            form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
            basic = self.headers.get("Authorization", "")
            cid, secret = form.get("client_id"), form.get("client_secret")
            if basic.startswith("Basic "):
                cid, secret = base64.b64decode(basic[6:]).decode().split(":", 1)
            if form.get("grant_type") != "client_credentials" or cid != "client" or secret != "csecret":
                return self.reply(401, {"error": "invalid_client"})
            hit("token")
            return self.reply(200, {"access_token": "tok-123", "token_type": "Bearer", "expires_in": 3600})
        if p == "/sink":  # POST bodies are kept per ?key=; ?fail=N fails the first N posts with 503
            key = q.get("key", "")
            if method == "POST":
                if hit("sink:" + key) <= int(q.get("fail", 0)):
                    return self.reply(503, {"error": "busy"})
                with LOCK:
                    RECEIVED.setdefault(key, []).append({"type": self.headers.get("Content-Type"), "body": body.decode(),
                                                         "idempotency_key": self.headers.get("Idempotency-Key")})
                return self.reply(200, {"ok": True})
            with LOCK:
                return self.reply(200, RECEIVED.get(key, []))
        return self.reply(404, {"error": "no route " + p})

    def geocoder(self, p, method, q, body):
        # GET /search?q=...&format=jsonv2&limit=1[&tag=T][&delay=S]: a list of at most one match.
        # POST /search/batch[?tag=T] with [{"q": ...}, ...]: {"results": [[match] | [], ...]}.
        # Requests, arrival times and concurrency are counted per tag.
        tag = q.get("tag", "")
        hit("search:" + tag)
        with LOCK:
            TIMES.setdefault(tag, []).append(time.monotonic())
            flight = INFLIGHT.setdefault(tag, [0, 0])
            flight[0] += 1
            flight[1] = max(flight[1], flight[0])
        try:
            time.sleep(float(q.get("delay", 0)))
            if p == "/search/batch":
                if method != "POST":
                    return self.reply(405, {"error": "POST a list of queries"})
                items = json.loads(body or b"[]")
                results = []
                for item in items:
                    status, found, _ = geocode(str(item.get("q", "")), tag)
                    results.append(found if status == 200 else [])
                return self.reply(200, {"results": results})
            if q.get("format") != "jsonv2":
                return self.reply(400, {"error": "format must be jsonv2"})
            status, found, headers = geocode(q.get("q", ""), tag)
            return self.reply(status, found, headers)
        finally:
            with LOCK:
                INFLIGHT[tag][0] -= 1

    def auth(self, kind, q):
        h = self.headers.get("Authorization", "")
        ok = {"bearer": h == "Bearer secret-token",
              "basic": h == "Basic " + base64.b64encode(b"alice:pw").decode(),
              "apikey": self.headers.get("X-API-Key") == "k-42",
              "apikey_query": q.get("api_key") == "k-42",
              "oauth": h == "Bearer tok-123"}.get(kind, False)
        if not ok:
            return self.reply(401, {"error": "unauthorized"})
        return self.reply(200, {"items": RECORDS[:2]})


def main():
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 0), Handler)
    server.daemon_threads = True
    print("ready %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
