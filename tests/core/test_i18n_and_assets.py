"""The interface ships complete in Vietnamese and loads nothing from outside (offices may be on closed networks)."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def po_entries(text: str):
    for block in text.split("\n\n"):
        if "msgid" not in block or block.startswith('msgid ""\nmsgstr ""\n"'):
            continue
        yield block


def test_vietnamese_catalogue_has_no_untranslated_or_fuzzy_entry():
    problems = []
    for block in po_entries(CATALOGUE.read_text(encoding="utf-8")):
        msgid = re.search(r'^msgid "(.*)"', block, re.M).group(1)
        if "#, fuzzy" in block or (
            re.search(r'^msgstr(\[0\])? ""\n?$', block, re.M) and not re.search(r'^msgstr(\[0\])? ""\n"', block, re.M)
        ):
            problems.append(msgid or block.splitlines()[-1])
    assert not problems, f"untranslated or fuzzy: {problems[:10]}"


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
