"""Fakes for the data tests: small MNIST-like files and a scripted local HTTP server.

Nothing here touches the internet: the server listens on 127.0.0.1 on a
port the system picks.
"""

import gzip
import hashlib
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np

from bp_helpers.data.idx import write_idx
from bp_helpers.data.locate import TEST_IMAGES, TEST_LABELS, TRAIN_IMAGES, TRAIN_LABELS, Pinned

N_TRAIN, N_TEST = 200, 20  # 200 noise images gzip to ~160 kB: several download blocks
HANG_LIMIT = 5.0  # seconds a hanging handler waits at most, so the server always stops
DRIP = 0.05  # seconds between the bytes of a "drip" answer
ENDLESS = 16 << 20  # bytes an "endless" answer sends at most, so that no test fills the disk


def fake_mnist(directory, seed=0):
    """Write four small MNIST-like .gz files into directory.

    Returns (table, arrays): table maps each file name to its Pinned content
    SHA-256 and gzip size, the way locate.MNIST_FILES does; arrays maps it to
    the uint8 array inside.
    """
    rng = np.random.default_rng(seed)
    arrays = {
        TRAIN_IMAGES: rng.integers(0, 256, (N_TRAIN, 28, 28), dtype=np.uint8),
        TRAIN_LABELS: rng.integers(0, 10, N_TRAIN, dtype=np.uint8),
        TEST_IMAGES: rng.integers(0, 256, (N_TEST, 28, 28), dtype=np.uint8),
        TEST_LABELS: rng.integers(0, 10, N_TEST, dtype=np.uint8),
    }
    directory.mkdir(parents=True, exist_ok=True)
    table = {}
    for name, values in arrays.items():
        data = write_idx(directory / name, values).read_bytes()
        table[name] = Pinned(hashlib.sha256(gzip.decompress(data)).hexdigest(), len(data))
    return table, arrays


class ScriptedServer:
    """An HTTP server on 127.0.0.1 whose answers the test scripts.

    files maps a URL path ("/a/name") to the bytes served there (other
    paths give 404). faults maps a path to a list of faults, one used up
    per request to it:
      "404"        answer 404 Not Found;
      "500"        answer 500 Internal Server Error (a server's passing trouble);
      "truncate"   promise the full length, send half, close;
      "corrupt"    send the full length with the first byte changed;
      "hang"       read the request and answer nothing;
      "hang_body"  send the headers and half the body, then nothing;
      "drip"       send the body one byte every DRIP seconds;
      "endless"    send bytes "without end" (ENDLESS of them), and no Content-Length.
    A hanging answer waits until close() or HANG_LIMIT seconds. requests
    lists every path asked for, in order.
    """

    def __init__(self):
        self.files, self.faults, self.requests = {}, {}, []
        self.stop = threading.Event()
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.script = self
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,))

    def start(self):
        self._thread.start()

    def close(self):
        """Release hanging answers, stop serving and wait for every thread."""
        self.stop.set()
        if self._thread.is_alive():
            self._httpd.shutdown()
            self._thread.join()
        self._httpd.server_close()  # also joins the handler threads


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # so that server_close() waits for handlers

    def handle_error(self, request, client_address):
        """Stay quiet when a client hangs up mid-answer: the tests do that on purpose."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        script = self.server.script
        script.requests.append(self.path)
        faults = script.faults.get(self.path)
        fault = faults.pop(0) if faults else None
        body = script.files.get(self.path)
        if body is None or fault == "404":
            self.send_error(404)
            return
        if fault == "500":
            self.send_error(500)
            return
        if fault == "hang":
            script.stop.wait(HANG_LIMIT)
            return
        if fault == "corrupt":
            body = bytes([body[0] ^ 0xFF]) + body[1:]
        if fault == "endless":
            self.send_response(200)
            self.end_headers()
            for _ in range(ENDLESS // (1 << 16)):  # or until the client hangs up
                if script.stop.is_set():
                    return
                self.wfile.write(bytes(1 << 16))
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if fault == "drip":
            for i in range(len(body)):
                if script.stop.wait(DRIP):
                    return
                self.wfile.write(body[i : i + 1])
                self.wfile.flush()
            return
        if fault in ("truncate", "hang_body"):
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            if fault == "hang_body":
                script.stop.wait(HANG_LIMIT)
            return
        self.wfile.write(body)

    def log_message(self, format, *args):
        """No access log on stderr."""


def only_localhost(monkeypatch):
    """Make every host but 127.0.0.1 unresolvable (and bypass proxies) for one test."""
    monkeypatch.setenv("no_proxy", "*")
    monkeypatch.setenv("NO_PROXY", "*")
    getaddrinfo = socket.getaddrinfo

    def resolve_local_only(host, *args, **kwargs):
        assert host == "127.0.0.1", f"a test tried to reach {host}"
        return getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve_local_only)
