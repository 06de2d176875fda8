"""Backup and restore, with the documented scripts (scripts/backup.sh, scripts/restore.sh): committed data of the
live test database is dumped, restored into a new database and found there row for row, documents included."""

import hashlib
import os
import subprocess
from pathlib import Path

import psycopg2
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from accounts.models import RoleAssignment
from cases.attachments import attachment_add
from tests.factories import CaseFactory, CitizenFactory, ReceptionSessionFactory
from tests.seed import ensure_seed_data

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def database_url(name: str) -> str:
    settings = connection.settings_dict
    return f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{name}"


def run(script: str, *arguments: str, **env: str) -> list[str]:
    result = subprocess.run(
        [str(ROOT / "scripts" / script), *arguments],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.splitlines()


def table_counts(cursor) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    tables = [row[0] for row in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    return counts


@pytest.fixture
def restored_name():
    """The database the backup is restored into, dropped at the end whatever happened."""
    name = f"{connection.settings_dict['NAME']}_restored"
    subprocess.run(["dropdb", "--if-exists", "--force", "--maintenance-db", database_url("postgres"), name], check=True)
    yield name
    subprocess.run(["dropdb", "--if-exists", "--force", "--maintenance-db", database_url("postgres"), name], check=True)


def test_a_backup_restored_into_a_new_database_has_the_same_rows_and_documents(
    settings, tmp_path, restored_name, ward, ward_official
):
    ensure_seed_data()
    denouncer = CitizenFactory(unit=ward, full_name="Người Tố Cáo Được Bảo Vệ", national_id="001090123456")
    case = CaseFactory(unit=ward, kind="denunciation", complainant=denouncer, summary="Tố cáo sai phạm đất đai")
    document = attachment_add(
        user=ward_official, case=case, upload=SimpleUploadedFile("to-cao.pdf", PDF, content_type="application/pdf")
    )
    session = ReceptionSessionFactory(unit=ward, created_by=ward_official, place="Trụ sở tiếp công dân phường")
    role = RoleAssignment.objects.get(user=ward_official)

    written = run(
        "backup.sh",
        DATABASE_URL=database_url(connection.settings_dict["NAME"]),
        BACKUP_DIR=str(tmp_path / "backups"),
        DJANGO_MEDIA_ROOT=str(settings.MEDIA_ROOT),
    )
    dump, media = (Path(path) for path in written)
    assert dump.suffix == ".dump" and dump.stat().st_size > 0 and media.name.endswith("-media.tar.gz")

    restored_media = tmp_path / "restored-media"
    run(
        "restore.sh",
        str(dump),
        str(media),
        DATABASE_URL=database_url(restored_name),
        DJANGO_MEDIA_ROOT=str(restored_media),
    )

    with (
        psycopg2.connect(database_url(restored_name)) as restored,
        restored.cursor() as cursor,
        connection.cursor() as live,
    ):
        assert table_counts(cursor) == table_counts(live)
        cursor.execute(
            "SELECT c.number, c.kind, c.summary, z.full_name, z.national_id FROM cases_case c "
            "JOIN citizens_citizen z ON z.id = c.complainant_id WHERE c.id = %s",
            [case.pk],
        )
        assert cursor.fetchone() == (
            case.number,
            "denunciation",
            "Tố cáo sai phạm đất đai",
            "Người Tố Cáo Được Bảo Vệ",
            "001090123456",
        )
        cursor.execute("SELECT place, unit_id FROM citizens_receptionsession WHERE id = %s", [session.pk])
        assert cursor.fetchone() == ("Trụ sở tiếp công dân phường", ward.pk)
        cursor.execute("SELECT user_id, unit_id, role FROM accounts_roleassignment WHERE id = %s", [role.pk])
        assert cursor.fetchone() == (ward_official.pk, ward.pk, role.role)
        cursor.execute("SELECT file, sha256 FROM cases_attachment WHERE id = %s", [document.pk])
        stored_name, checksum = cursor.fetchone()
    restored.close()
    assert checksum == hashlib.sha256(PDF).hexdigest()
    assert hashlib.sha256((restored_media / stored_name).read_bytes()).hexdigest() == checksum
