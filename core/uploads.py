"""Checks every uploaded document passes before it is stored, whatever it is attached to (DESIGN §5): a type
allow-list checked against the file's own bytes, a size limit, a SHA-256 checksum, and a virus scan by ClamAV when
configured. Case attachments and dossier evidence both call `check_upload`."""

import hashlib
import logging
import socket
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

logger = logging.getLogger(__name__)


class ScanStatus(models.TextChoices):
    NOT_SCANNED = "not_scanned", gettext_lazy("Not scanned (no scanner configured)")
    CLEAN = "clean", gettext_lazy("Clean")
    INFECTED = "infected", gettext_lazy("Infected — blocked")
    ERROR = "error", gettext_lazy("Scan failed")


_PDF = b"%PDF"
_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"
_ZIP = b"PK\x03\x04"  # OOXML (docx, xlsx) and OpenDocument (odt, ods) are zip containers
_OLE = b"\xd0\xcf\x11\xe0"  # legacy Word and Excel files are OLE compound documents


@dataclass(frozen=True)
class FileType:
    content_type: str
    magic: bytes


# The allow-list. The stored content type comes from here, never from the browser, and the file's first bytes must
# match its extension: a renamed executable or a mislabelled image is refused.
ALLOWED_TYPES: dict[str, FileType] = {
    "pdf": FileType("application/pdf", _PDF),
    "jpg": FileType("image/jpeg", _JPEG),
    "jpeg": FileType("image/jpeg", _JPEG),
    "png": FileType("image/png", _PNG),
    "doc": FileType("application/msword", _OLE),
    "docx": FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    "xls": FileType("application/vnd.ms-excel", _OLE),
    "xlsx": FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    "odt": FileType("application/vnd.oasis.opendocument.text", _ZIP),
    "ods": FileType("application/vnd.oasis.opendocument.spreadsheet", _ZIP),
}
ALLOWED_EXTENSIONS: tuple[str, ...] = tuple(ALLOWED_TYPES)

CHUNK_SIZE = 64 * 1024
CLAMD_TIMEOUT_SECONDS = 30


# Virus scan ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScanResult:
    status: str  # one of ScanStatus
    detail: str = ""


def _clamd_connect(url: str) -> socket.socket:
    parts = urlsplit(url)
    if parts.scheme == "unix":
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(CLAMD_TIMEOUT_SECONDS)
        sock.connect(parts.path)
        return sock
    if parts.scheme == "tcp" and parts.hostname and parts.port:
        return socket.create_connection((parts.hostname, parts.port), timeout=CLAMD_TIMEOUT_SECONDS)
    raise OSError(f"unsupported CLAMAV_URL {url!r}; use unix:///path or tcp://host:port")


def clamav_scan(url: str, chunks: Iterable[bytes]) -> ScanResult:
    """Stream the bytes to clamd with the INSTREAM command: "zINSTREAM\\0", then chunks each prefixed with their
    length (4 bytes, big-endian), then a zero-length chunk; clamd answers "stream: OK" or "stream: <name> FOUND".
    A scanner that cannot be reached or answers otherwise gives ERROR, never CLEAN."""
    try:
        with _clamd_connect(url) as sock:
            sock.sendall(b"zINSTREAM\0")
            for chunk in chunks:
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                data = sock.recv(4096)
                if not data:
                    break
                reply += data
    except OSError as exc:
        logger.warning("ClamAV scan failed: %s", exc)
        return ScanResult(ScanStatus.ERROR, str(exc) or exc.__class__.__name__)
    answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    verdict = answer.removeprefix("stream:").strip()
    if verdict == "OK":
        return ScanResult(ScanStatus.CLEAN)
    if verdict.endswith(" FOUND"):
        return ScanResult(ScanStatus.INFECTED, verdict.removesuffix(" FOUND"))
    logger.warning("ClamAV gave an unexpected answer: %r", answer)
    return ScanResult(ScanStatus.ERROR, answer or "no answer")


def virus_scan(upload: UploadedFile) -> ScanResult:
    """Scan with the ClamAV daemon of settings.CLAMAV_URL; without one the file is recorded as not scanned."""
    if not settings.CLAMAV_URL:
        return ScanResult(ScanStatus.NOT_SCANNED)
    return clamav_scan(settings.CLAMAV_URL, upload.chunks(CHUNK_SIZE))


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[1].lower() if "." in name else ""


@dataclass(frozen=True)
class CheckedUpload:
    file_type: FileType
    sha256: str
    scan: ScanResult


def check_upload(upload: UploadedFile, *, user, field: str = "file") -> CheckedUpload:
    """The checks every uploaded document passes before it is stored: type allow-list, size limit, content
    matching its extension, virus scan. Raises ValidationError on `field` when one fails."""

    def error(message: str) -> ValidationError:
        return ValidationError({field: message})

    file_type = ALLOWED_TYPES.get(_extension(upload.name or ""))
    if file_type is None:
        raise error(
            _("This type of file is not accepted. Upload a {types} file.").format(
                types=", ".join(ext.upper() for ext in ALLOWED_EXTENSIONS)
            )
        )
    max_bytes = settings.ATTACHMENT_MAX_MB * 1024 * 1024
    if upload.size > max_bytes:
        raise error(_("The file must be at most {size} MB.").format(size=settings.ATTACHMENT_MAX_MB))
    if not upload.size:
        raise error(_("The file is empty."))

    digest = hashlib.sha256()
    header = b""
    for chunk in upload.chunks(CHUNK_SIZE):
        if len(header) < len(file_type.magic):
            header += chunk[: len(file_type.magic)]
        digest.update(chunk)
    if not header.startswith(file_type.magic):
        raise error(_("The content of the file does not match its type. Check that it is the right file."))

    scan = virus_scan(upload)
    if scan.status == ScanStatus.INFECTED:
        logger.warning("Upload by user %s refused, virus found: %s", user.pk, scan.detail)
        raise error(
            _("The virus scanner found a threat in this file ({name}); it was not saved.").format(name=scan.detail)
        )

    return CheckedUpload(file_type=file_type, sha256=digest.hexdigest(), scan=scan)
