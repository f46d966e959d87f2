# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared HTTP plumbing for the local cloud API emulators.

Each emulated service is a ``Service`` subclass.  ``Service.handle`` receives one
parsed ``Request`` and returns a ``Response``.  This module owns what both
services share: the threaded HTTP server, the call log, fault injection and the
admin path (``/_emulator/...``) that tests use to read the log and inject faults.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

ADMIN_PREFIX = "/_emulator/"


@dataclass
class Request:
    method: str
    path: str
    query: dict
    query_string: str
    headers: dict  # lower-cased header names
    body: bytes
    raw_path: str = ""


@dataclass
class Response:
    status: int
    payload: object = None  # dict -> JSON, bytes -> as is
    headers: dict = field(default_factory=dict)
    content_type: str = "application/json"

    def encode(self):
        if isinstance(self.payload, (bytes, bytearray)):
            return bytes(self.payload)
        if self.payload is None:
            return b""
        return json.dumps(self.payload).encode("utf-8")


class ServiceError(Exception):
    """An API error the service answers with (code, message, HTTP status)."""

    def __init__(self, code, message, status=400, params=None, dry_run=False):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.params = params or {}  # what the call log records for this call
        self.dry_run = dry_run


@dataclass
class Fault:
    operation: str  # an operation name or "*"
    count: int = 1
    error: str = ""  # error code to answer with
    status: int = 400
    message: str = "Injected fault"
    delay: float = 0.0  # seconds to sleep before answering
    drop: bool = False  # close the connection without an answer
    after: bool = False  # apply the request first, then fail / drop (a lost answer)

    def matches(self, operation):
        return self.count > 0 and self.operation in ("*", operation)


class Service:
    """Base class for one emulated API.  Subclasses implement the hooks below."""

    name = "service"

    def __init__(self):
        self.lock = threading.RLock()
        self.calls = []
        self.faults = []
        self._seq = 0

    # --- hooks for subclasses -------------------------------------------------
    def operation_name(self, request):
        """Return the operation a request asks for (used for the log and faults)."""
        raise NotImplementedError

    def authenticate(self, request):
        """Raise ServiceError when the request's signature or credentials are wrong."""

    def dispatch(self, operation, request):
        """Run an operation; return (Response, params_for_log).  Raise ServiceError on API errors."""
        raise NotImplementedError

    def error_response(self, error, request):
        """Render a ServiceError in the service's wire format."""
        raise NotImplementedError

    def reset(self, seed=None):
        """Reload state from the seed (or the given seed data)."""

    def state(self):
        """A JSON-able dump of the current state."""
        return {}

    def configure(self, settings):
        """Apply admin settings such as timings; return the effective settings."""
        return {}

    # --- shared behaviour -------------------------------------------------------
    def log_call(self, operation, params, status, error=None, dry_run=False):
        with self.lock:
            self._seq += 1
            self.calls.append({
                "seq": self._seq,
                "operation": operation,
                "params": params,
                "status": status,
                "error": error,
                "dry_run": bool(dry_run),
                "time": time.time(),
            })

    def take_fault(self, operation):
        with self.lock:
            for fault in self.faults:
                if fault.matches(operation):
                    fault.count -= 1
                    return fault
        return None

    def admin(self, request):
        """Handle /_emulator/... requests.  Returns a Response."""
        what = request.path[len(ADMIN_PREFIX):].strip("/")
        body = json.loads(request.body or b"{}") if request.body else {}
        with self.lock:
            if what == "calls" and request.method == "GET":
                calls = self.calls
                if "operation" in request.query:
                    calls = [c for c in calls if c["operation"] == request.query["operation"]]
                return Response(200, {"calls": calls})
            if what == "calls" and request.method == "DELETE":
                self.calls = []
                return Response(200, {"calls": []})
            if what == "faults" and request.method == "POST":
                items = body if isinstance(body, list) else [body]
                for item in items:
                    self.faults.append(Fault(**item))
                return Response(200, {"faults": [f.__dict__ for f in self.faults]})
            if what == "faults" and request.method == "GET":
                return Response(200, {"faults": [f.__dict__ for f in self.faults]})
            if what == "faults" and request.method == "DELETE":
                self.faults = []
                return Response(200, {"faults": []})
            if what == "reset" and request.method == "POST":
                self.calls = []
                self.faults = []
                self.reset(body.get("seed"))
                return Response(200, {"reset": True})
            if what == "state" and request.method == "GET":
                return Response(200, self.state())
            if what == "config" and request.method == "POST":
                return Response(200, self.configure(body))
        return Response(404, {"error": "unknown admin path %s %s" % (request.method, request.path)})


def _make_handler(service):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "multicloud-emulator"
        # headers and body are two writes; without TCP_NODELAY each keep-alive answer waits ~40 ms (delayed ACK)
        disable_nagle_algorithm = True

        def log_message(self, format, *args):  # pylint: disable=redefined-builtin
            return  # quiet: the call log is the record

        def _read_request(self):
            split = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            return Request(
                method=self.command,
                path=split.path or "/",
                query=dict(parse_qsl(split.query, keep_blank_values=True)),
                query_string=split.query,
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
                raw_path=self.path,
            )

        def _send(self, response):
            data = response.encode()
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(data)))
            for key, value in response.headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        def _drop(self):
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

        def _handle(self):
            request = self._read_request()
            if request.path.startswith(ADMIN_PREFIX):
                self._send(service.admin(request))
                return
            operation = None
            try:
                operation = service.operation_name(request)
                service.authenticate(request)
            except ServiceError as err:
                service.log_call(operation or "?", {}, err.status, err.code)
                self._send(service.error_response(err, request))
                return
            fault = service.take_fault(operation)
            if fault and fault.delay:
                time.sleep(fault.delay)
            if fault and not fault.after and (fault.drop or fault.error):
                service.log_call(operation, {"fault": True}, 0 if fault.drop else fault.status,
                                 "dropped" if fault.drop else fault.error)
                if fault.drop:
                    self._drop()
                else:
                    self._send(service.error_response(ServiceError(fault.error, fault.message, fault.status), request))
                return
            try:
                response, params = service.dispatch(operation, request)
            except ServiceError as err:
                params = err.params
                service.log_call(operation, params, err.status, err.code, dry_run=err.dry_run)
                response = service.error_response(err, request)
            else:
                service.log_call(operation, params, response.status, dry_run=params.get("DryRun") in (True, "true", "True"))
            if fault and fault.after and (fault.drop or fault.error):
                if fault.drop:
                    self._drop()
                else:
                    self._send(service.error_response(ServiceError(fault.error, fault.message, fault.status), request))
                return
            self._send(response)

        do_GET = do_POST = do_PUT = do_DELETE = _handle  # noqa: N815

    return Handler


class EmulatorServer:
    """One service on one loopback port, served from a background thread."""

    def __init__(self, service, port=0, host="127.0.0.1"):
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the emulators listen on loopback only")
        self.service = service
        self.httpd = ThreadingHTTPServer((host, port), _make_handler(service))
        self.httpd.daemon_threads = True
        self.thread = None

    @property
    def url(self):
        host, port = self.httpd.server_address[:2]
        return "http://%s:%d" % (host, port)

    def start(self):
        self.thread = threading.Thread(target=self.httpd.serve_forever, name=self.service.name, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        if self.thread:
            self.thread.join(timeout=5)
