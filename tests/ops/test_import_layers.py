"""The layers contract (.importlinter, checked by `lint-imports` in `make test`) covers every
module: a new module of app/ or seed/ must be given a layer there, or import-linter would
leave its imports unchecked."""

from __future__ import annotations

import ast
import configparser
import re
from pathlib import Path

from tests import ROOT


def _layers() -> list[list[str]]:
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    lines = config["importlinter:contract:layers"]["layers"].strip().splitlines()
    return [[m.strip() for m in re.split(r"[:|]", line)] for line in lines]


def _modules() -> dict[str, Path]:
    found = {}
    for package in ("app", "seed"):
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _layer_of(module: str, layers: list[list[str]]) -> list[int]:
    return [i for i, layer in enumerate(layers)
            for entry in layer if module == entry or module.startswith(entry + ".")]


def test_every_module_has_exactly_one_layer():
    layers, modules = _layers(), _modules()
    assert len(layers) == 4  # web, services, models, domain
    # Packages holding modules of several layers (app/loans/: services and screens) are in
    # none themselves; the root package is the app factory, which wires every layer.
    mixed = {m for m in modules if not _layer_of(m, layers) and any(
        other.startswith(m + ".") and _layer_of(other, layers) for other in modules)}
    unplaced = sorted(m for m in modules if not _layer_of(m, layers) and m not in mixed)
    twice = sorted(m for m in modules if len(_layer_of(m, layers)) > 1)
    assert unplaced == [] and twice == []
    assert "app" in mixed and "app.loans" in mixed


def test_a_package_outside_the_layers_imports_nothing_of_loandesk():
    """Its imports would go unchecked: app/loans/__init__.py may hold the firm's clock
    (business_today) but must not import a LoanDesk module."""
    layers, modules = _layers(), _modules()
    for module, path in modules.items():
        if module == "app" or _layer_of(module, layers):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                assert node.level == 0 and (node.module or "").split(".")[0] not in (
                    "app", "seed"), f"{module} imports {node.module}"
            elif isinstance(node, ast.Import):
                assert all(a.name.split(".")[0] not in ("app", "seed") for a in node.names), \
                    module
