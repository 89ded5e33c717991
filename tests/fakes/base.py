"""What every fake provider server shares: a threaded HTTP server on a local port, started and stopped with its
worker threads, fault settings changed by name while it runs, and faults drawn from a seedable random source.

A subclass names its ``config_class`` (a dataclass of settings) and ``provider`` (for messages), builds its state in
``reset()`` and its request handler class in ``handler()``; it may add background threads (``background()``), wake
them on stop (``wake()``) and react to a setting as it changes (``configured()``).
"""

import json
import random
import sys
import threading
import time
from dataclasses import fields
from http.server import ThreadingHTTPServer


class FakeServer:
    config_class: type
    provider = ""

    def __init__(self, host="127.0.0.1", port=0, **config):
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._threads = []
        self.setup()
        self.reset()
        self.configure(**config)
        self.httpd = ThreadingHTTPServer((host, port), self.handler())
        self.httpd.daemon_threads = True
        self.httpd.request_queue_size = 128

    def setup(self):
        """State that lives as long as the server (reset() clears the rest)."""

    def reset(self):
        with self._lock:
            self.config = self.config_class()
            self._random = random.Random()

    def handler(self):
        raise NotImplementedError

    def background(self):
        """Callables to run in threads beside the HTTP server."""
        return []

    def wake(self):
        """Called on stop, before the server shuts down: wake background threads waiting for work."""

    def configured(self, changes):
        """Called with the settings just changed, under the lock."""

    @property
    def url(self):
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self):
        # A short poll interval keeps stop() (and so each test using the fixture) fast.
        targets = [lambda: self.httpd.serve_forever(poll_interval=0.05), *self.background()]
        for target in targets:
            thread = threading.Thread(target=target, daemon=True, name=f"fake-{self.provider}")
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self):
        self._stopping.set()
        self.wake()
        self.httpd.shutdown()
        self.httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def configure(self, **changes):
        names = {f.name for f in fields(self.config_class)}
        unknown = set(changes) - names
        if unknown:
            raise ValueError(f"unknown fake {self.provider} settings: {sorted(unknown)}")
        with self._lock:
            for name, value in changes.items():
                setattr(self.config, name, value)
            if "seed" in changes:
                self._random = random.Random(self.config.seed)
            self.configured(changes)
        return self.config

    def serve_until_interrupted(self, config_json="{}", *notes):
        """The benchmarks' way to run a fake in its own process: configure, start, print the URL on stdout (the one
        line the parent reads) and any notes on stderr, then serve until interrupted."""
        self.configure(**json.loads(config_json))
        self.start()
        print(self.url, flush=True)
        for note in notes:
            print(note, file=sys.stderr, flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            self.stop()

    def _chance(self, fraction):
        return fraction > 0 and self._random.random() < fraction
