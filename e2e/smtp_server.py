#!/usr/bin/env python3
"""A real SMTP server (aiosmtpd) that Rapport's tests and benchmarks start.

Every message it takes is appended to DIR/received.jsonl as one JSON line (envelope sender,
recipients, the Message-ID header and, unless --no-bodies, the whole message as text). It
writes its port to DIR/port once it listens and stops when its standard input closes, so a
test that dies takes it along.

    smtp_server.py --dir DIR [--mode plain|starttls|tls] [--user U --password P]
                   [--drop-first N] [--fail-first N] [--no-bodies] [--no-pipelining]
                   [--only-auth PLAIN|LOGIN]

--mode starttls requires STARTTLS before MAIL and AUTH; --mode tls speaks TLS from the first
byte. Both use a self-signed certificate for 127.0.0.1/localhost made in DIR. --drop-first N
closes the connection instead of answering the first N messages' data (a server that goes
away mid-message); --fail-first N answers them 451 (a server busy for now). It offers
PIPELINING (aiosmtpd reads pipelined commands in order) unless --no-pipelining.
"""
import argparse
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Recorder:
    def __init__(self, directory, drop_first, fail_first, bodies, pipelining):
        self.pipelining = pipelining
        self.path = os.path.join(directory, "received.jsonl")
        self.lock = threading.Lock()
        self.drop_left = drop_first
        self.fail_left = fail_first
        self.bodies = bodies
        self.out = open(self.path, "a", encoding="utf-8")

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if self.pipelining:
            responses.insert(len(responses) - 1, "250-PIPELINING")
        return responses

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.drop_left > 0:
                self.drop_left -= 1
                server.transport.abort()
                return "421 closing"
            if self.fail_left > 0:
                self.fail_left -= 1
                return "451 4.3.0 try again later"
        raw = envelope.original_content or envelope.content
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
        message_id = ""
        for line in text.split("\r\n"):
            if line == "":
                break
            if line.lower().startswith("message-id:"):
                message_id = line.split(":", 1)[1].strip()
        tls = session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None
        user = session.auth_data.decode() if session.authenticated and isinstance(session.auth_data, bytes) else None
        record = {"from": envelope.mail_from, "to": envelope.rcpt_tos, "message_id": message_id, "tls": tls, "user": user}
        if self.bodies:
            record["data"] = text
        with self.lock:
            self.out.write(json.dumps(record, ensure_ascii=False) + "\n")
            self.out.flush()
        return "250 2.0.0 queued as " + str(abs(hash(message_id)))


def self_signed(directory):
    cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    # The test process may block SIGTERM; a child inherits the mask.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--mode", choices=["plain", "starttls", "tls"], default="plain")
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--drop-first", type=int, default=0)
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--no-bodies", action="store_true")
    parser.add_argument("--no-pipelining", action="store_true")
    parser.add_argument("--only-auth", choices=["PLAIN", "LOGIN"], help="offer only this AUTH mechanism")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (args.user is not None and auth_data.login.decode() == args.user
              and auth_data.password.decode() == args.password)
        return AuthResult(success=ok, handled=False, auth_data=auth_data.login)

    options = {}
    if args.user is not None:
        options.update(authenticator=authenticate, auth_require_tls=args.mode == "starttls")
        if args.only_auth:
            options.update(auth_exclude_mechanism=[m for m in ("PLAIN", "LOGIN") if m != args.only_auth])
    context = self_signed(args.dir) if args.mode != "plain" else None
    if args.mode == "starttls":
        options.update(tls_context=context, require_starttls=True)
    elif args.mode == "tls":
        options.update(ssl_context=context)
    port = args.port or free_port()
    handler = Recorder(args.dir, args.drop_first, args.fail_first, not args.no_bodies, not args.no_pipelining)
    controller = Controller(handler, hostname="127.0.0.1", port=port, server_hostname="localhost",
                            data_size_limit=64 * 1024 * 1024, **options)
    controller.start()
    with open(os.path.join(args.dir, "port.tmp"), "w") as f:
        f.write(str(port))
    os.replace(os.path.join(args.dir, "port.tmp"), os.path.join(args.dir, "port"))
    try:
        sys.stdin.buffer.read()  # until the parent closes it or dies
    except KeyboardInterrupt:
        pass
    os._exit(0)


if __name__ == "__main__":
    main()
