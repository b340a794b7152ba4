#!/usr/bin/python3
"""An AWS Signature V4 checking proxy in front of an S3-compatible server that does not verify
signatures (s3rver). Every request's signature is recomputed with botocore from the headers the
client says it signed; a missing or wrong signature, or a body whose SHA-256 differs from
x-amz-content-sha256, gets 403 SignatureDoesNotMatch; good requests are forwarded unchanged.
Usage: sigv4_verifier.py LISTEN_PORT UPSTREAM_PORT ACCESS_KEY SECRET_KEY  (prints "ready PORT")."""
import hashlib
import http.client
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

LISTEN, UPSTREAM, ACCESS, SECRET = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]


def check(method, path, headers, body):
    auth = headers.get("Authorization", "")
    if not auth.startswith("AWS4-HMAC-SHA256 "):
        return "missing SigV4 Authorization header"
    fields = dict(p.strip().split("=", 1) for p in auth[len("AWS4-HMAC-SHA256 "):].split(","))
    access, date, region, service, _ = fields["Credential"].split("/")
    if access != ACCESS:
        return "unknown access key"
    signed = fields["SignedHeaders"].split(";")
    lower = {k.lower(): v for k, v in headers.items()}
    payload = lower.get("x-amz-content-sha256")
    if payload is None:
        return "missing x-amz-content-sha256"
    if payload != "UNSIGNED-PAYLOAD" and payload != hashlib.sha256(body).hexdigest():
        return "payload hash mismatch"
    request = AWSRequest(method=method, url="http://%s%s" % (lower["host"], path),
                         headers={h: lower.get(h, "") for h in signed})
    request.context["timestamp"] = lower["x-amz-date"]
    signer = S3SigV4Auth(Credentials(ACCESS, SECRET), service, region)
    canonical = signer.canonical_request(request)
    expected = signer.signature(signer.string_to_sign(request, canonical), request)
    return None if expected == fields["Signature"] else "signature mismatch"


class Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        problem = check(self.command, self.path, self.headers, body)
        if problem:
            data = ("<?xml version=\"1.0\"?><Error><Code>SignatureDoesNotMatch</Code><Message>%s</Message></Error>"
                    % problem).encode()
            self.send_response(403)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        conn = http.client.HTTPConnection("127.0.0.1", UPSTREAM, timeout=300)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "expect")}
        conn.request(self.command, self.path, body=body if body or self.command in ("PUT", "POST") else None,
                     headers=headers)
        r = conn.getresponse()
        data = r.read()
        self.send_response(r.status)
        for k, v in r.getheaders():
            if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(k, v)
        if self.command == "HEAD":
            self.send_header("Content-Length", r.getheader("Content-Length") or "0")
        else:
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        conn.close()

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_any


server = ThreadingHTTPServer(("127.0.0.1", LISTEN), Proxy)
server.daemon_threads = True
print("ready %d" % server.server_address[1], flush=True)
server.serve_forever()
