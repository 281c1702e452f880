"""taskforce.settings.ENVIRONMENT_VARIABLES is the inventory of every variable the code reads.

The compose file is checked against it (tests/ops/test_compose.py) and the README documents it,
so it must be exact: read from the source, not trusted.
"""

import ast
import re
from pathlib import Path

from taskforce.settings import ENVIRONMENT_VARIABLES

BASE_DIR = Path(__file__).resolve().parents[2]
# How Django is told which settings to use; the processes set it themselves.
NOT_CONFIGURATION = {"DJANGO_SETTINGS_MODULE"}


def _is_env(node) -> bool:
    """``env`` or ``environ.Env()``: django-environ readers."""
    if isinstance(node, ast.Name):
        return node.id == "env"
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "Env"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "environ"
    )


def _is_os_environ(node) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "environ"
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def _first_string(call: ast.Call) -> str | None:
    if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        return call.args[0].value
    return None


def settings_reads(tree) -> set[str]:
    """Names read by ``env.<type>("NAME", ...)`` / ``env("NAME")`` calls."""
    names = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if _is_env(func) or (isinstance(func, ast.Attribute) and _is_env(func.value)):
            name = _first_string(node)
            if name:
                names.add(name)
    return names


def os_environ_reads(tree) -> set[str]:
    """Names read by ``os.environ.get("NAME")``, ``os.environ["NAME"]``, ``os.getenv("NAME")``."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            func = node.func
            reads = (func.attr == "get" and _is_os_environ(func.value)) or (
                func.attr == "getenv" and isinstance(func.value, ast.Name) and func.value.id == "os"
            )
            if reads and _first_string(node):
                names.add(_first_string(node))
        elif (
            isinstance(node, ast.Subscript)
            and isinstance(node.ctx, ast.Load)
            and _is_os_environ(node.value)
            and isinstance(node.slice, ast.Constant)
        ):
            names.add(node.slice.value)
    return names


def project_sources():
    """Every Python file the running system loads: the apps and manage.py, not tests."""
    yield BASE_DIR / "manage.py"
    for package in sorted(BASE_DIR.iterdir()):
        if package.name in ("tests", ".venv", "var") or not (package / "__init__.py").exists():
            continue
        for path in sorted(package.rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_settings_reads_are_found():
    # The scanner itself: it must see every reader style the settings use.
    tree = ast.parse(
        'VAR = Path(environ.Env().str("A", default="x"))\n'
        'X = env.bool("B", default=False)\n'
        'Y = env.db("C")\n'
        'Z = env("D")\n'
        'W = os.environ.get("E")\n'
        'V = os.environ["F"]\n'
        'U = os.getenv("G")\n'
        'os.environ.setdefault("H", "1")\n'
    )
    assert settings_reads(tree) == {"A", "B", "C", "D"}
    assert os_environ_reads(tree) == {"E", "F", "G"}


def test_settings_read_only_listed_variables():
    tree = ast.parse((BASE_DIR / "taskforce" / "settings.py").read_text())
    read = settings_reads(tree)
    assert read <= set(ENVIRONMENT_VARIABLES), read - set(ENVIRONMENT_VARIABLES)


def test_inventory_is_exactly_what_the_code_reads():
    read = set()
    for path in project_sources():
        tree = ast.parse(path.read_text(), filename=str(path))
        if path == BASE_DIR / "taskforce" / "settings.py":
            read |= settings_reads(tree)
        read |= os_environ_reads(tree)
    read -= NOT_CONFIGURATION
    listed = set(ENVIRONMENT_VARIABLES)
    assert len(listed) == len(ENVIRONMENT_VARIABLES), "a name is listed twice"
    assert not read - listed, f"read but not listed in ENVIRONMENT_VARIABLES: {read - listed}"
    assert not listed - read, f"listed but read nowhere: {listed - read}"


def test_readme_documents_every_variable():
    readme = (BASE_DIR / "README.md").read_text()
    missing = [name for name in ENVIRONMENT_VARIABLES if f"`{name}`" not in readme]
    assert not missing, f"README.md does not document {missing}"


def test_readme_configuration_table_lists_only_real_variables():
    readme = (BASE_DIR / "README.md").read_text()
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([A-Z_][A-Z0-9_]*)` \|", section, flags=re.MULTILINE)
    assert rows, "no configuration table"
    assert sorted(rows) == sorted(ENVIRONMENT_VARIABLES)
