"""The core of ``app`` (services, persistence, security, schemas) imports no web framework:
FastAPI and Starlette belong to ``app.main`` and ``app.routers`` alone."""

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import app.services

ROOT = Path(__file__).resolve().parents[2]
CORE = ("app.config", "app.db", "app.errors", "app.models", "app.schemas", "app.security")


def _service_modules() -> list[str]:
    return sorted(
        info.name for info in pkgutil.walk_packages(app.services.__path__, prefix="app.services.")
    )


def test_core_modules_load_no_web_framework() -> None:
    modules = [*CORE, *_service_modules()]
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "web = sorted(m for m in sys.modules if m.split('.')[0] in ('fastapi', 'starlette'))\n"
        "print(json.dumps(web))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert json.loads(done.stdout) == []


def test_every_service_module_is_checked() -> None:
    # A sub-package of services (sheets/, say) is walked too, not only the top level.
    names = _service_modules()
    assert "app.services.ranking" in names
    assert len(names) >= 15
