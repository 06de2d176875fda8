"""The reference data the data migrations seed (fields, deadline rules, holidays, duty rules, rating regulations,
reasons). Tests on committed data (browser, real worker) truncate every table when they end; they call this
first so they never depend on the order they run in."""

import importlib

from django.apps import apps
from django.test import override_settings

SEED_MIGRATIONS = [
    "cases.migrations.0003_seed_case_fields",
    "cases.migrations.0005_seed_deadline_rules_and_holidays",
    "citizens.migrations.0002_seed_reception_duty_rules",
    "organizations.migrations.0003_seed_rating_regulations_and_reasons",
    "retention.migrations.0002_seed_retention_periods",
    "reports.migrations.0003_seed_submission_rules",
]


def ensure_seed_data() -> None:
    # Without history rows, as the migrations leave the database (they run on historical models): otherwise every
    # reseeded rule shows as changed today in the audit log of the tests that run next in the same database.
    with override_settings(SIMPLE_HISTORY_ENABLED=False):
        for module in SEED_MIGRATIONS:
            importlib.import_module(module).seed(apps, None)
