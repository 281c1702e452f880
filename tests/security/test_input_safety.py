"""No user input reaches SQL or HTML unescaped.

A scan of the project's Python and templates refuses the constructs that bypass the ORM's
parameters or the templates' escaping; each occurrence that remains was reviewed and is listed
below with its reason. A new one fails until it is reviewed too. Then the behaviour: markup
typed into a record comes back escaped on its page.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from agencies.models import Agency
from cases import services as cases_services

ROOT = Path(settings.BASE_DIR)
APPS = ("agencies", "cases", "protocols", "taskforce", "victims")
TEMPLATE_SUFFIXES = {".html", ".txt", ".xml", ".svg"}

# (file, construct) -> (how many, why it is safe). Reviewed one by one; the count makes a new
# occurrence in the same file fail until it is reviewed as well.
REVIEWED = {
    ("taskforce/mfa.py", "mark_safe"): (
        1,
        "the QR code SVG drawn by segno from our own otpauth:// address: paths only, no text",
    ),
    ("victims/management/commands/rotate_field_keys.py", "execute-built-sql"): (
        3,
        "table and column names come from model metadata through quote_name; every value is a "
        "query parameter",
    ),
}

TEMPLATE_RULES = {
    "|safe": re.compile(r"\|\s*safe(seq)?\b"),
    "autoescape off": re.compile(r"{%\s*autoescape\s+off\b"),
}
MARKING_SAFE = {"mark_safe", "SafeString", "SafeText"}
RAW_QUERIES = {"raw", "extra"}


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def python_findings(source: str) -> list[tuple[str, int]]:
    """(construct, line) for each construct in ``source`` that needs a review."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        if name in MARKING_SAFE:
            found.append(("mark_safe", node.lineno))
        elif name == "RawSQL":
            found.append(("RawSQL", node.lineno))
        elif name in RAW_QUERIES and isinstance(node.func, ast.Attribute):
            found.append((f".{name}()", node.lineno))
        elif name in {"execute", "executemany"} and node.args:
            sql = node.args[0]
            # Only a literal string is SQL nobody built: f-strings, % and .format(), and
            # names holding any of them, are reviewed.
            if not (isinstance(sql, ast.Constant) and isinstance(sql.value, str)):
                found.append(("execute-built-sql", node.lineno))
    return sorted(found, key=lambda finding: finding[1])


def template_findings(text: str) -> list[tuple[str, int]]:
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        found += [(rule, number) for rule, rx in TEMPLATE_RULES.items() if rx.search(line)]
    return found


def project_files():
    for folder in (*APPS, "templates"):
        for path in sorted((ROOT / folder).rglob("*")):
            if "migrations" in path.parts or "__pycache__" in path.parts or not path.is_file():
                continue
            if path.suffix == ".py" or path.suffix in TEMPLATE_SUFFIXES:
                yield path


def scan() -> dict[tuple[str, str], list[int]]:
    found: dict[tuple[str, str], list[int]] = {}
    for path in project_files():
        text = path.read_text(encoding="utf-8")
        findings = python_findings(text) if path.suffix == ".py" else template_findings(text)
        for construct, line in findings:
            found.setdefault((path.relative_to(ROOT).as_posix(), construct), []).append(line)
    return found


def test_the_scan_recognises_each_construct():
    source = """
from django.utils.safestring import mark_safe
def view(request, cursor, name):
    mark_safe(name)
    Case.objects.raw("SELECT * FROM cases_case WHERE title = '%s'" % name)
    Case.objects.extra(where=[f"title = '{name}'"])
    Case.objects.annotate(x=RawSQL("SELECT 1", []))
    cursor.execute(f"SELECT * FROM cases_case WHERE title = '{name}'")
    cursor.execute("SELECT * FROM cases_case WHERE title = '%s'" % name)
    cursor.execute("SELECT * FROM cases_case WHERE title = '{}'".format(name))
    cursor.execute("SELECT * FROM cases_case WHERE title = %s", [name])
"""
    assert [construct for construct, _ in python_findings(source)] == [
        "mark_safe",
        ".raw()",
        ".extra()",
        "RawSQL",
        "execute-built-sql",
        "execute-built-sql",
        "execute-built-sql",
    ]
    assert python_findings(source)[-1][1] == 10  # the parametrised query is not flagged
    template = "{{ a }}\n{{ b|safe }}\n{% autoescape off %}{{ c }}{% endautoescape %}\n{{ d }}"
    assert template_findings(template) == [("|safe", 2), ("autoescape off", 3)]


def test_only_reviewed_constructs_bypass_parameters_or_escaping():
    found = scan()
    unreviewed = {
        f"{path}: {construct} at line(s) {', '.join(map(str, lines))}"
        for (path, construct), lines in found.items()
        if len(lines) != REVIEWED.get((path, construct), (0, ""))[0]
    }
    assert not unreviewed, "Review these, then list them in REVIEWED with the reason:\n" + (
        "\n".join(sorted(unreviewed))
    )
    stale = set(REVIEWED) - set(found)
    assert not stale, f"Listed in REVIEWED but no longer in the code: {sorted(stale)}"


MARKUP = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_case_title_with_markup_is_shown_escaped(world, browser_client):
    case = cases_services.open_case(
        by=world.investigator_a,
        agency=world.le_a,
        title=f"Operation {MARKUP}",
        origin="proactive",
        trafficking_type="sex",
        jurisdiction_level="local",
    )
    page = browser_client(world.investigator_a).get(reverse("cases:detail", args=[case.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert ESCAPED in html
    assert MARKUP not in html


def test_agency_name_with_markup_is_shown_escaped(world, browser_client):
    Agency.objects.filter(pk=world.le_a.pk).update(name=f"Alpha {MARKUP} Police")
    client = browser_client(world.investigator_a)
    for url in (reverse("agencies:detail", args=[world.le_a.pk]), reverse("agencies:directory")):
        page = client.get(url)
        assert page.status_code == 200, url
        html = page.content.decode()
        assert ESCAPED in html, url
        assert MARKUP not in html, url
