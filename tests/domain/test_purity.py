"""The domain layer stays free of Flask and of floats in its arithmetic."""

import ast
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[2] / "app" / "domain"


def _modules():
    return sorted(DOMAIN.glob("*.py"))


def test_no_flask_import_in_the_domain():
    assert _modules()
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(n.split(".")[0].startswith("flask") for n in names), path.name


def test_no_float_literals_or_calls_in_the_domain():
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            assert not (isinstance(node, ast.Constant) and isinstance(node.value, float)), (
                f"{path.name}:{node.lineno}")
            assert not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "float"), (
                f"{path.name}:{node.lineno}")


def test_modules_stay_small():
    for path in _modules():
        assert len(path.read_text(encoding="utf-8").splitlines()) < 400, path.name
