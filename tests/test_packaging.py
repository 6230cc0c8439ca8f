"""The lock files follow pyproject.toml: what a fresh machine installs is what was declared."""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.MULTILINE)


def _pins(lock: str) -> dict[str, Version]:
    text = (ROOT / lock).read_text()
    return {canonicalize_name(name): Version(version) for name, version in _PIN.findall(text)}


def _declared(group: str | None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = project["dependencies"] if group is None else project["optional-dependencies"][group]
    return [Requirement(spec) for spec in specs]


def test_lock_pins_every_declared_dependency_within_its_range() -> None:
    for lock, groups in (("requirements.lock", [None]), ("requirements-dev.lock", [None, "dev"])):
        pins = _pins(lock)
        for group in groups:
            for requirement in _declared(group):
                name = canonicalize_name(requirement.name)
                assert name in pins, f"{lock} lacks {name}: run `make lock`"
                assert requirement.specifier.contains(pins[name], prereleases=True), (
                    f"{lock} pins {name}=={pins[name]}, outside {requirement}: run `make lock`"
                )


def test_production_lock_installs_the_versions_the_tests_ran() -> None:
    production, dev = _pins("requirements.lock"), _pins("requirements-dev.lock")
    assert production, "requirements.lock pins nothing"
    differ = {name: (v, dev.get(name)) for name, v in production.items() if dev.get(name) != v}
    assert not differ, f"requirements.lock and requirements-dev.lock differ: {differ}"


def test_lock_lines_carry_hashes() -> None:
    for lock in ("requirements.lock", "requirements-dev.lock"):
        text = (ROOT / lock).read_text()
        assert text.count("--hash=sha256:") >= len(_pins(lock)), lock


def test_one_version_from_pyproject_to_the_api_and_the_command() -> None:
    from typer.testing import CliRunner

    from app import __version__
    from app.cli import cli
    from app.config import Settings
    from app.main import create_app

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert __version__ == declared
    app = create_app(Settings(secret_key="k" * 32, database_url="sqlite://"))
    assert app.version == declared
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"konvensi {declared}\n"


def test_changelog_has_an_unreleased_section_and_the_released_version() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert "## [Unreleased]" in changelog
    assert "## [1.0.0]" in changelog


def _dockerfile_instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def test_dockerfile_installs_the_lock_before_the_code_and_only_serves() -> None:
    steps = _dockerfile_instructions()
    (base,) = [arg for op, arg in steps if op == "FROM"]
    assert re.fullmatch(r"python:3\.11\.\d+-slim-bookworm(@sha256:[0-9a-f]{64})?", base), base
    order = [f"{op} {arg}" for op, arg in steps]
    lock_install = next(
        i for i, s in enumerate(order) if "--require-hashes -r requirements.lock" in s
    )
    first_code = next(i for i, s in enumerate(order) if s.startswith("COPY app"))
    assert lock_install < first_code
    assert any(s.startswith("RUN pip install --no-deps .") for s in order[first_code:])
    users = [arg for op, arg in steps if op == "USER"]
    assert users and users[-1] not in ("root", "0")
    (command,) = [arg for op, arg in steps if op == "CMD"]
    assert "serve" in command and "migrate" not in command
    assert any(op == "HEALTHCHECK" for op, _ in steps)


def test_make_run_serves_on_the_port_given() -> None:
    import subprocess

    shown = subprocess.run(
        ["make", "--dry-run", "--always-make", "-C", str(ROOT), "run", "PORT=8080"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "konvensi serve --demo --port 8080" in shown
    # The install step is the lock's, then the project without dependencies.
    assert "install --require-hashes -r requirements-dev.lock" in shown
    assert "install --no-deps -e ." in shown


def test_nothing_points_outside_the_repository() -> None:
    """The project documents itself: no file names the team's private pages."""
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    shared = "sha" + "red"  # spelt apart, so that this file does not match itself
    private = re.compile(rf"\.\./{shared}|/work/{shared}|\b(CONTRACT|SCORING|STYLE)\.md\b")
    found = []
    for name in tracked:
        path = ROOT / name
        if path.suffix in {".png", ".ttf", ".lock", ".tgz", ".woff2"} or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [f"{name}: {m.group(0)}" for m in private.finditer(text)]
    assert found == []
