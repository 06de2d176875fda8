"""The apps' layers, from the ground up; each imports only from the layers below it:

1. core — pure helpers: text folding, pagination, the form renderer, history, saving with history, uploads,
   register numbering, rate limits, logging, the health probe. Imports no app.
2. accounts — users, roles and their rights, the scope gate (accounts/scoping.py), confidentiality of identities.
3. organizations — the unit tree of both eras, ratings, weak-organization dossiers, plans, inspections.
4. citizens — citizens, reception sessions, visits, dialogues, the heads' duty to receive.
5. cases — letters, cases, workflow, deadlines, flags, duplicates, attachments, exports; the intake that turns a
   visit's letter into a case.
6. reports — periods, SQL figures, snapshots, DOCX/XLSX.
7. overview | imports | audit | retention — features over all the domain (home figures and notifications;
   spreadsheet imports; the audit logs; retention periods and disposal), independent of each other.
8. devtools — demo data, the data generator, the benchmark: nothing in the product imports them.
9. config — settings, URLs, the Celery app.

The contract is written once, in pyproject.toml ([tool.importlinter]); this test runs it with import-linter, which
reads every import in the tree (those inside functions too), so a shortcut back up a layer fails the suite.
"""

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

LAYERS = [
    "config",
    "devtools",
    "overview | imports | audit | retention",
    "reports",
    "cases",
    "citizens",
    "organizations",
    "accounts",
    "core",
]


def test_the_contract_names_the_layers_of_this_docstring():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = config["contracts"]
    assert contract["type"] == "layers"
    assert contract["layers"] == LAYERS
    installed = set(config["root_packages"])
    assert installed == {app.strip() for layer in LAYERS for app in layer.split("|")}


def test_no_app_imports_from_a_layer_above_it():
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0 or "0 broken" not in result.stdout:
        raise AssertionError(result.stdout[-5000:] + result.stderr[-2000:])
