"""`scoring` stays pure: importing it pulls in none of the web or database stack."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("app", "fastapi", "sqlalchemy", "pydantic", "numpy")


def test_import_scoring_loads_no_web_or_database_module() -> None:
    code = (
        "import sys, scoring\n"
        "scoring.rank([], [], [], [], [])\n"
        f"print(sorted(m for m in {FORBIDDEN!r} if m in sys.modules))\n"
        "print(scoring.__file__)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded, path = done.stdout.splitlines()
    assert loaded == "[]"
    assert Path(path).resolve().parent == ROOT / "scoring"
