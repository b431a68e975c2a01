"""Test isolation: no test touches the user's home, the real clock or the repository workspace."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Property-based tests: no example database in the working tree, no per-example deadline (a shared
# CI machine stalls now and then; hangs are caught by the tests' own time limits), and the
# function-scoped fixtures above are fine to share between examples (each test resets what it uses).
settings.register_profile(
    "contentops",
    database=None,
    deadline=None,
    max_examples=100,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile("contentops")


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(var, str(home / var.lower()))
    monkeypatch.delenv("CONTENTOPS_HOME", raising=False)
    monkeypatch.delenv("CONTENTOPS_NOW", raising=False)
    monkeypatch.setenv("CONTENTOPS_USER", "tester")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "160")
    monkeypatch.chdir(tmp_path)
    yield


@pytest.fixture
def ws(tmp_path: Path):
    """A fresh workspace with the default settings (home zone Australia/Sydney)."""
    from contentops.workspace import init_workspace

    return init_workspace(tmp_path / "ws", handle="@brand.anz")
