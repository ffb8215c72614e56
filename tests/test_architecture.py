"""The dependency arrow points one way: the library never imports the web layer,
and click stays inside the CLI package."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import matcher

LIBRARY = Path(matcher.__file__).resolve().parent


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _library_files() -> list[Path]:
    return sorted(LIBRARY.rglob("*.py"))


def test_library_never_imports_flask_or_the_api_package() -> None:
    offenders = {
        str(path.relative_to(LIBRARY)): sorted(_imported_modules(path) & {"flask", "api", "werkzeug"})
        for path in _library_files()
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_click_is_used_only_by_the_cli_package() -> None:
    cli = LIBRARY / "cli"
    offenders = [
        str(path.relative_to(LIBRARY))
        for path in _library_files()
        if "click" in _imported_modules(path) and cli not in path.parents
    ]
    assert offenders == []


def test_library_does_not_open_the_shared_reference_folder_at_run_time() -> None:
    # The product ships what it needs in training_data/; ../shared is for the
    # build scripts only. An audit hook sees every file the library opens while
    # it loads its data and ranks a profile.
    script = textwrap.dedent(
        """
        import sys
        opened = []
        def hook(event, args):
            if event == "open" and args and isinstance(args[0], (str, bytes)):
                path = args[0].decode() if isinstance(args[0], bytes) else args[0]
                if "/shared/" in path:
                    opened.append(path)
        sys.addaudithook(hook)
        import importlib
        for name in ("matcher.taxonomy", "matcher.normalize", "matcher.catalog", "matcher.geo",
                     "matcher.wages", "matcher.selfsufficiency", "matcher.engine"):
            try:
                importlib.import_module(name)
            except ModuleNotFoundError:
                pass
        from matcher.taxonomy import load_taxonomy
        from matcher.normalize import Normalizer
        from matcher.catalog import default_catalog
        load_taxonomy()
        Normalizer().normalize_skill("fork lift")
        default_catalog()
        try:
            from matcher.engine import recommend
        except ImportError:
            recommend = None
        if recommend is not None:
            recommend({"zip": "97217", "interests": {"sectors": ["construction"]}})
        print("OPENED:" + repr(opened))
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert "OPENED:[]" in out.stdout, out.stdout


WEB_ONLY = {"flask", "flask_openapi3", "flask_limiter", "werkzeug", "prometheus_client"}


def test_web_libraries_are_used_only_by_the_api_package() -> None:
    offenders = {
        str(path.relative_to(LIBRARY)): sorted(_imported_modules(path) & WEB_ONLY) for path in _library_files()
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_api_package_uses_the_library_and_never_click() -> None:
    api_dir = LIBRARY.parent / "api"
    files = sorted(api_dir.rglob("*.py"))
    assert files, "the api package is beside matcher/"
    assert [str(p.relative_to(api_dir)) for p in files if "click" in _imported_modules(p)] == []
    assert any("matcher" in _imported_modules(p) for p in files)
