"""Fixtures for the kiosk tests (a plugin loaded by tests/conftest.py, like api_fixtures): a kiosk app on a
throw-away database, a live server of it on a free local port, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from api import create_app

CHROMIUM = "/usr/bin/chromium"
#: The launch flags the machine's notes recommend (its closed network refuses Chromium's own connections).
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def kiosk_settings(tmp: Path, **overrides: Any) -> dict[str, Any]:
    settings: dict[str, Any] = {"sqlite_path": str(tmp / "kiosk.db"), "reload_check_seconds": 60.0,
                                "log_level": "INFO", "kiosk_secret_key": "test-secret-" + os.urandom(8).hex()}
    settings.update(overrides)
    return settings


@pytest.fixture
def kiosk_app(make_app: Callable[..., Any], tmp_path: Path) -> Any:
    return make_app(kiosk_secret_key="test-secret", reload_check_seconds=60.0)


@pytest.fixture
def kiosk_client(kiosk_app: Any) -> Any:
    return kiosk_app.test_client()


class LiveServer:
    def __init__(self, app: Any) -> None:
        from werkzeug.serving import make_server

        self.app = app
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(5)
        self.app.extensions["matcher"].store.close()


@pytest.fixture(scope="module")
def live_kiosk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The kiosk served on 127.0.0.1 (module-wide: the catalog is loaded and the engine fitted once)."""
    app = create_app(kiosk_settings(tmp_path_factory.mktemp("live")))
    app.extensions["matcher"].runtime.snapshot()
    server = LiveServer(app)
    yield server
    server.stop()


@pytest.fixture
def make_live_kiosk(tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    made: list[LiveServer] = []

    def make(**overrides: Any) -> LiveServer:
        app = create_app(kiosk_settings(tmp_path, **overrides))
        app.extensions["matcher"].runtime.snapshot()
        server = LiveServer(app)
        made.append(server)
        return server

    yield make
    for server in made:
        server.stop()


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here (None: they can)."""
    if shutil.which(CHROMIUM) is None and not Path(CHROMIUM).exists():
        return f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium; .ci/run does this)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, through Playwright (skipped, saying why, only where it cannot be had)."""
    reason = chromium_missing()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser: Any) -> Iterator[Callable[..., Any]]:
    """Factory: a page in a fresh browser context (its own cookies and storage)."""
    contexts: list[Any] = []

    def make(*, viewport: dict[str, int] | None = None, locale: str = "en-US", javascript: bool = True) -> Any:
        context = browser.new_context(viewport=viewport or DESKTOP, locale=locale, java_script_enabled=javascript)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
