"""Third-party browser code, from the npm registry, pinned: ``make vendor``.

Every package of ``vendor.lock.json`` is downloaded as its registry tarball, checked against the
tarball's pinned ``integrity`` (the sha512 the registry publishes as ``dist.integrity``), and only
the files the manifest lists (the package's licence among them) are extracted into its ``dest``
folder. Each extracted file must then have the sha256 the manifest records. The extracted files
are committed: a venue may have no internet, and nothing is fetched at run time.

    python scripts/vendor.py                    # download, verify, extract every package
    python scripts/vendor.py --check            # offline: committed files match the manifest
    python scripts/vendor.py --pin redoc@2.5.4  # move one package to another version, record
                                                # its integrity and the new files' sha256

Standard library only, so it runs before any install.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import shutil
import sys
import tarfile
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "vendor.lock.json"
REGISTRY = "https://registry.npmjs.org"


class VendorError(Exception):
    """A download, an integrity hash or a file that does not match the manifest."""


def load_manifest(path: Path = MANIFEST) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return manifest


def save_manifest(manifest: dict[str, Any], path: Path = MANIFEST) -> None:
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_integrity(data: bytes, integrity: str) -> None:
    """``integrity`` is a Subresource Integrity string as npm publishes it: ``sha512-<base64>``."""
    algorithm, _, expected = integrity.partition("-")
    if algorithm != "sha512" or not expected:
        raise VendorError(f"only sha512 integrity is accepted, not {integrity!r}")
    actual = base64.b64encode(hashlib.sha512(data).digest()).decode()
    if actual != expected:
        raise VendorError(f"integrity mismatch: expected sha512-{expected}, got sha512-{actual}")


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=120) as response:
        data: bytes = response.read()
        return data


def extract(tarball: bytes, names: list[str]) -> dict[str, bytes]:
    """The listed files of an npm tarball (paths inside its ``package/`` folder)."""
    found: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as tar:
        for member in tar.getmembers():
            name = member.name.split("/", 1)[1] if "/" in member.name else member.name
            if name in names and member.isfile():
                handle = tar.extractfile(member)
                assert handle is not None
                found[name] = handle.read()
    missing = sorted(set(names) - set(found))
    if missing:
        raise VendorError(f"not in the tarball: {missing}")
    return found


def install(package: dict[str, Any], *, root: Path = ROOT, record: bool = False) -> list[Path]:
    """Download, verify and extract one package; with ``record``, write the files' sha256
    into ``package`` instead of checking them."""
    label = f"{package['name']}@{package['version']}"
    tarball = fetch(package["tarball"])
    check_integrity(tarball, package["integrity"])
    files = extract(tarball, list(package["files"]))
    for name, data in files.items():
        digest = sha256_of(data)
        if record:
            package["files"][name] = digest
        elif package["files"][name] != digest:
            raise VendorError(f"{label}: {name} has sha256 {digest}, the manifest says otherwise")
    dest = root / package["dest"]
    if dest.exists():
        shutil.rmtree(dest)
    written = []
    for name, data in sorted(files.items()):
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written.append(target)
    return written


def check(manifest: dict[str, Any], *, root: Path = ROOT) -> list[str]:
    """Every committed file against the manifest, offline: the list of problems (empty: fine)."""
    problems = []
    for package in manifest["packages"]:
        dest = root / package["dest"]
        for name, digest in package["files"].items():
            path = dest / name
            if not path.is_file():
                problems.append(f"{path.relative_to(root)}: missing")
            elif sha256_of(path.read_bytes()) != digest:
                problems.append(f"{path.relative_to(root)}: sha256 differs from the manifest")
        if dest.is_dir():
            extra = {str(p.relative_to(dest)) for p in dest.rglob("*") if p.is_file()} - set(
                package["files"]
            )
            problems.extend(f"{package['dest']}/{name}: not in the manifest" for name in extra)
    return problems


def pin(manifest: dict[str, Any], spec: str) -> dict[str, Any]:
    """Move one package to another version: the registry's tarball and integrity for it."""
    name, _, version = spec.rpartition("@")
    if not name or not version:
        raise VendorError(f"--pin takes NAME@VERSION, not {spec!r}")
    package = next((p for p in manifest["packages"] if p["name"] == name), None)
    if package is None:
        raise VendorError(f"{name} is not in the manifest; add it by hand first")
    meta = json.loads(fetch(f"{REGISTRY}/{name}/{version}"))
    old_dest = ROOT / package["dest"]
    package["version"] = meta["version"]
    package["tarball"] = meta["dist"]["tarball"]
    package["integrity"] = meta["dist"]["integrity"]
    package["dest"] = f"{package['dest'].rsplit('/', 1)[0]}/{name}-{meta['version']}"
    install(package, record=True)
    if old_dest != ROOT / package["dest"] and old_dest.exists():
        shutil.rmtree(old_dest)
    return package


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="verify the committed files only")
    parser.add_argument("--pin", metavar="NAME@VERSION", help="move one package to a version")
    args = parser.parse_args(argv)
    manifest = load_manifest()
    try:
        if args.check:
            problems = check(manifest)
            for problem in problems:
                print(problem, file=sys.stderr)
            return 1 if problems else 0
        if args.pin:
            package = pin(manifest, args.pin)
            save_manifest(manifest)
            print(f"pinned {package['name']}@{package['version']} into {package['dest']}")
            return 0
        for package in manifest["packages"]:
            written = install(package)
            print(f"{package['name']}@{package['version']}: {len(written)} files, verified")
    except VendorError as exc:
        print(f"vendor: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
