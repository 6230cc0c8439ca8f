"""Konvensi, the judging service. Its one version number is the package's (pyproject.toml)."""

from importlib.metadata import version

__version__ = version("konvensi")
