"""Third-party browser code (``make vendor``): pinned npm tarballs, verified by the registry's
sha512 and by each extracted file's sha256, licences kept; the committed files match."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import io
import re
import tarfile
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _vendor() -> ModuleType:
    spec = importlib.util.spec_from_file_location("vendor", ROOT / "scripts" / "vendor.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_vendor_files_match_the_manifest() -> None:
    vendor = _vendor()
    manifest = vendor.load_manifest()
    assert vendor.check(manifest) == []
    names = {p["name"] for p in manifest["packages"]}
    assert {"axe-core", "swagger-ui-dist", "redoc"} <= names
    for package in manifest["packages"]:
        assert package["tarball"].startswith("https://registry.npmjs.org/")
        assert package["integrity"].startswith("sha512-")
        assert package["dest"].endswith(f"{package['name']}-{package['version']}")
        assert "LICENSE" in package["files"], package["name"]
        for digest in package["files"].values():
            assert re.fullmatch(r"[0-9a-f]{64}", digest)
    # Test-only code is not shipped with the service.
    axe = next(p for p in manifest["packages"] if p["name"] == "axe-core")
    assert axe["dest"].startswith("tests/")


def _tarball(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _package(tmp_path: Path, tarball: bytes, integrity: str) -> dict[str, object]:
    (tmp_path / "pkg.tgz").write_bytes(tarball)
    return {
        "name": "demo",
        "version": "1.0.0",
        "tarball": (tmp_path / "pkg.tgz").as_uri(),
        "integrity": integrity,
        "dest": "out/demo-1.0.0",
        "files": {"demo.js": "", "LICENSE": ""},
    }


def test_vendor_extracts_only_listed_files_of_a_verified_tarball(tmp_path: Path) -> None:
    vendor = _vendor()
    tarball = _tarball({"demo.js": b"x", "LICENSE": b"MIT", "evil.js": b"y"})
    integrity = "sha512-" + base64.b64encode(hashlib.sha512(tarball).digest()).decode()
    package = _package(tmp_path, tarball, integrity)
    vendor.install(package, root=tmp_path, record=True)
    out = tmp_path / "out" / "demo-1.0.0"
    assert sorted(p.name for p in out.iterdir()) == ["LICENSE", "demo.js"]
    assert vendor.check({"packages": [package]}, root=tmp_path) == []
    (out / "demo.js").write_bytes(b"tampered")
    assert vendor.check({"packages": [package]}, root=tmp_path) == [
        "out/demo-1.0.0/demo.js: sha256 differs from the manifest"
    ]


def test_vendor_refuses_a_tarball_whose_integrity_differs(tmp_path: Path) -> None:
    vendor = _vendor()
    tarball = _tarball({"demo.js": b"x", "LICENSE": b"MIT"})
    package = _package(tmp_path, tarball, "sha512-" + "A" * 86 + "==")
    with pytest.raises(vendor.VendorError, match="integrity mismatch"):
        vendor.install(package, root=tmp_path, record=True)
    assert not (tmp_path / "out").exists()
    package["integrity"] = "sha1-abc"
    with pytest.raises(vendor.VendorError, match="only sha512"):
        vendor.install(package, root=tmp_path, record=True)
