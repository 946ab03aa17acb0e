"""The package's version is the workspace's version (one version everywhere)."""

import importlib.metadata
import pathlib
import re

import remote_rendering as rr


def workspace_version() -> str:
    cargo = (pathlib.Path(__file__).resolve().parents[2] / "Cargo.toml").read_text()
    section = cargo.split("[workspace.package]", 1)[1]
    return re.search(r'^version\s*=\s*"([^"]+)"', section, re.M).group(1)


def test_the_package_version_is_the_workspace_version():
    assert rr.__version__ == workspace_version()
    assert importlib.metadata.version("remote-rendering") == workspace_version()
