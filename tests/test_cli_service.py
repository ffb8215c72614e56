"""`matcher tokens`, `matcher db` and the database step of `matcher serve`, as a user sees them."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from matcher import migrations
from matcher.audit import AuditLog
from matcher.auth import TokenStore
from matcher.cli import main
from matcher.cli.serve import prepare_database
from matcher.errors import DataError
from matcher.store import CatalogStore


@pytest.fixture
def db_url(tmp_path):
    return f"sqlite:///{tmp_path / 'cli.db'}"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_tokens_create_prints_the_token_once_and_list_never_shows_it(db_url):
    created = run("tokens", "create", "--name", "Ana", "--role", "coach", "--db", db_url)
    assert created.exit_code == 0, created.output
    token = created.output.strip().splitlines()[-1]
    assert token.startswith("mt_")
    store = CatalogStore(db_url)
    assert TokenStore(store).authenticate(token).name == "Ana"
    listed = run("tokens", "list", "--db", db_url)
    assert "Ana" in listed.output and "coach" in listed.output and token.split("_")[2] not in listed.output
    token_id = token.split("_")[1]
    assert run("tokens", "revoke", token_id, "--db", db_url).exit_code == 0
    assert TokenStore(store).authenticate(token) is None
    assert "No tokens yet" in run("tokens", "list", "--db", db_url).output
    assert [e.action for e in AuditLog(store).entries()] == ["token.revoke", "token.create"]
    store.close()


def test_tokens_json_and_errors(db_url):
    made = json.loads(run("tokens", "create", "--name", "ci", "--role", "admin", "--db", db_url, "--json").output)
    assert made["role"] == "admin" and made["token"].startswith("mt_")
    bad = CliRunner().invoke(main, ["tokens", "create", "--name", "x", "--role", "root", "--db", db_url])
    assert bad.exit_code == 2 and "root" in bad.output
    missing = run("tokens", "revoke", "0000000000", "--db", db_url, "--json")
    assert missing.exit_code == 2 and json.loads(missing.output)["field"] == "token_id"


def test_db_upgrade_and_status(db_url):
    assert "empty" in run("db", "status", "--db", db_url).output
    first = run("db", "upgrade", "--db", db_url)
    assert first.exit_code == 0 and f"to revision {migrations.HEAD}" in first.output
    assert "already at revision" in run("db", "upgrade", "--db", db_url).output
    status = json.loads(run("db", "status", "--db", db_url, "--json").output)
    assert status["state"] == "current" and status["revision"] == migrations.HEAD


def test_serve_creates_the_schema_of_a_fresh_database(db_url, capsys):
    prepare_database(db_url, None)
    store = CatalogStore(db_url)
    assert migrations.status(store.engine).state == "current"
    store.close()


def test_serve_refuses_a_database_that_needs_an_upgrade(db_url):
    store = CatalogStore(db_url)
    migrations.upgrade(store.engine, revision="0001")
    store.close()
    with pytest.raises(DataError, match="matcher db upgrade"):
        prepare_database(db_url, None)


def test_serve_refuses_a_database_it_cannot_open(tmp_path):
    with pytest.raises(DataError) as exc:
        prepare_database(f"sqlite:///{tmp_path / 'no' / 'dir' / 'x.db'}", None)
    assert exc.value.field == "db"


def test_serve_stops_on_a_bad_board_file_before_starting_anything(tmp_path, db_url, monkeypatch):
    bad = tmp_path / "board.toml"
    bad.write_text("[weights]\nskills = -4\n")
    monkeypatch.setenv("MATCHER_BOARD_SETTINGS", str(bad))
    result = CliRunner().invoke(main, ["serve", "--db", db_url])
    assert result.exit_code == 2 and "weights.skills" in result.output
