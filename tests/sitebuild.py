"""Build the real site into a temporary directory and serve it on localhost (shared by site tests)."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from conftest import REPO


def copy_project(target: Path) -> Path:
    """A copy of the project's site inputs (docs, locales, overrides, mkdocs.yml) in target."""
    for name in ("docs", "locales", "overrides"):
        shutil.copytree(REPO / name, target / name)
    shutil.copy(REPO / "mkdocs.yml", target / "mkdocs.yml")
    return target


def restored_clone(root: Path, clone: Path) -> Path:
    """A fresh clone of ``root`` with its .tlumach/ restored (a CI cache): the same bytes, every
    file at another modification time (seconds earlier, so never within a clock tick of now)."""
    shutil.copytree(root, clone, copy_function=shutil.copyfile)
    for path in clone.rglob("*"):
        if path.is_file():
            earlier = (root / path.relative_to(clone)).stat().st_mtime_ns - 5 * 10**9
            os.utime(path, ns=(earlier, earlier))
    return clone


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def build_site(
    site_dir: Path, *, site_url: str, config: Path = REPO / "mkdocs.yml", extra_env: dict[str, str] | None = None,
    mkdocs: Sequence[str] = ("-m", "mkdocs"),
) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` in a new interpreter (``mkdocs``: its arguments before the command)."""
    env = {**os.environ, "TLUMACH_SITE_URL": site_url, "NO_MKDOCS_2_WARNING": "1", **(extra_env or {})}
    return subprocess.run(
        [sys.executable, *mkdocs, "build", "--strict", "-f", str(config), "-d", str(site_dir)],
        capture_output=True, text=True, env=env, check=False,
    )


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """A static host configured as the README says: <locale>/404.html for missing pages under a locale."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code != 404:
            super().send_error(code, message, explain)
            return
        root = Path(self.directory)
        first = self.path.lstrip("/").split("/", 1)[0]
        page = root / first / "404.html" if first and (root / first / "404.html").exists() else root / "404.html"
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@contextmanager
def serve(directory: Path, port: int) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.shutdown()
        server.server_close()


CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
