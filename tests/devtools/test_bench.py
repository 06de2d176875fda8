"""`make bench` (devtools/bench.py) runs end to end on the tiny generated data, so the command does not rot between
the times someone measures the city scale."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from devtools import bench

pytestmark = pytest.mark.django_db


def test_bench_measures_every_page_and_both_reports(tmp_path):
    call_command("generate_data", scale="tiny", seed=3, stdout=io.StringIO())
    out, target = io.StringIO(), tmp_path / "latest.json"
    call_command("bench", repeat=2, warmup=1, output=str(target), stdout=out)
    outcome = json.loads(target.read_text())
    names = [m["name"] for m in outcome["results"]]
    assert names[0] == "trivial authenticated view"
    for expected in ("case list, page ", "case search, rare name", "case detail", "session detail", "dossier"):
        assert any(expected in name for name in names), expected
    assert sum("aggregation" in name for name in names) == 2  # the city's report and one ward's
    pages = [m for m in outcome["results"] if m["kind"] == "page"]
    assert all(m["queries"] >= 1 and m["sql_ms"] > 0 and m["median_ms"] > 0 for m in pages)
    assert all("ratio_to_sql" in m["detail"] for m in pages)
    assert outcome["data"]["cases_case"] >= 0
    assert "×SQL" in out.getvalue()


def test_bench_refuses_a_database_without_generated_data():
    with pytest.raises(CommandError, match="make data"):
        call_command("bench", repeat=1, warmup=0, stdout=io.StringIO())


def test_percentiles():
    assert bench._ms([0.001, 0.002, 0.003, 0.004]) == (2.5, 4.0)
