"""The interface ships complete in Vietnamese and loads nothing from outside (offices may be on closed networks)."""

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def parse_po(text: str) -> dict[str, dict]:
    """msgid → {"msgstr": ..., "fuzzy": bool}; multi-line strings joined, plurals keyed by their msgid."""
    entries = {}
    for block in text.split("\n\n"):
        fields, current = {}, None
        for line in block.splitlines():
            if line.startswith("#"):
                continue
            match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d+\])?) (".*")$', line)
            if match:
                current = match.group(1)
                fields[current] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and current:
                fields[current] += ast.literal_eval(line)
        if fields.get("msgid"):
            msgstr = fields.get("msgstr", fields.get("msgstr[0]", ""))
            entries[fields["msgid"]] = {"msgstr": msgstr, "fuzzy": "#, fuzzy" in block or ", fuzzy" in block}
    return entries


def test_vietnamese_catalogue_has_no_untranslated_or_fuzzy_entry():
    entries = parse_po(CATALOGUE.read_text(encoding="utf-8"))
    problems = [msgid for msgid, entry in entries.items() if entry["fuzzy"] or not entry["msgstr"]]
    assert not problems, f"untranslated or fuzzy: {problems[:10]}"


def test_catalogue_holds_every_translatable_string_of_the_code(tmp_path):
    """makemessages on a copy of the sources (so the real catalogue is left alone) finds nothing new."""
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT, copy, ignore=shutil.ignore_patterns(".venv", ".git", "var", "staticfiles", "locale", "tests", "*.pyc")
    )
    (copy / "locale").mkdir()
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "vi", "--ignore=staticfiles", "-v", "0"],
        cwd=copy,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
    )
    current = parse_po((copy / "locale" / "vi" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8"))
    committed = parse_po(CATALOGUE.read_text(encoding="utf-8"))
    missing = sorted(set(current) - set(committed))
    assert not missing, f"run `make messages` and translate: {missing[:10]}"


def test_compiled_catalogue_matches_its_source(tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(compiled), str(CATALOGUE)], check=True)
    assert compiled.read_bytes() == CATALOGUE.with_suffix(".mo").read_bytes(), "run `make messages`"


def test_templates_load_no_asset_from_another_host():
    pattern = re.compile(r"""<(script|link|img)[^>]+(src|href)=["'](https?:)?//""", re.I)
    offenders = [
        str(p.relative_to(ROOT)) for p in (ROOT / "templates").rglob("*.html") if pattern.search(p.read_text())
    ]
    assert not offenders
