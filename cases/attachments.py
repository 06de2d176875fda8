"""Documents attached to cases and letters (DESIGN §5): a type allow-list checked against the file's own bytes, a
size limit, a SHA-256 checksum, a virus scan by ClamAV when configured, and storage under MEDIA_ROOT, which lies
outside the web root; files are served only by `cases.views_attachments.AttachmentDownloadView`."""

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
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.roles import Action
from accounts.scoping import require_right
from cases.choices import EventKind
from cases.models import Attachment, Case, CaseEvent, Letter
from core.services import save_with_history

logger = logging.getLogger(__name__)

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
# The history keeps the reason for voiding; its column is 100 characters long.
VOID_REASON_MAX_LENGTH = 100
CLAMD_TIMEOUT_SECONDS = 30


# Virus scan ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScanResult:
    status: str  # one of Attachment.ScanStatus
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
        return ScanResult(Attachment.ScanStatus.ERROR, str(exc) or exc.__class__.__name__)
    answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    verdict = answer.removeprefix("stream:").strip()
    if verdict == "OK":
        return ScanResult(Attachment.ScanStatus.CLEAN)
    if verdict.endswith(" FOUND"):
        return ScanResult(Attachment.ScanStatus.INFECTED, verdict.removesuffix(" FOUND"))
    logger.warning("ClamAV gave an unexpected answer: %r", answer)
    return ScanResult(Attachment.ScanStatus.ERROR, answer or "no answer")


def virus_scan(upload: UploadedFile) -> ScanResult:
    """Scan with the ClamAV daemon of settings.CLAMAV_URL; without one the file is recorded as not scanned."""
    if not settings.CLAMAV_URL:
        return ScanResult(Attachment.ScanStatus.NOT_SCANNED)
    return clamav_scan(settings.CLAMAV_URL, upload.chunks(CHUNK_SIZE))


# Services ------------------------------------------------------------------------------------------------------


def attachment_is_confidential(attachment: Attachment) -> bool:
    """A document of a denunciation (the case, or a letter classified as one) may show the denouncer's name or
    handwriting: only those with the identity right may open it (Law on Denunciations 2018, Arts. 9, 47)."""
    parent = attachment.case if attachment.case_id else attachment.letter
    return parent.is_confidential


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
    if scan.status == Attachment.ScanStatus.INFECTED:
        logger.warning("Upload by user %s refused, virus found: %s", user.pk, scan.detail)
        raise error(
            _("The virus scanner found a threat in this file ({name}); it was not saved.").format(name=scan.detail)
        )

    return CheckedUpload(file_type=file_type, sha256=digest.hexdigest(), scan=scan)


@transaction.atomic
def attachment_add(
    *, user, case: Case | None = None, letter: Letter | None = None, upload: UploadedFile, description: str = ""
) -> Attachment:
    """Attach an uploaded document to a case or a letter (exactly one).

    Refused, with nothing stored: a type outside the allow-list, a file larger than ATTACHMENT_MAX_MB, content
    that does not match its extension, and a file the virus scanner finds infected. A scanner that fails is not a
    reason to lose the document: it is stored with scan status ERROR and the reason.
    """
    if (case is None) == (letter is None):
        raise ValueError("Attach to exactly one of a case or a letter.")
    parent = case if case is not None else letter
    require_right(user, Action.CHANGE, parent.unit_id)
    if parent.is_void:
        raise ValidationError(_("Documents cannot be added to a voided record."))

    checked = check_upload(upload, user=user)
    attachment = Attachment(
        unit_id=parent.unit_id,
        case=case,
        letter=letter,
        original_name=upload.name,
        content_type=checked.file_type.content_type,
        size=upload.size,
        sha256=checked.sha256,
        description=description.strip(),
        scan_status=checked.scan.status,
        scan_detail=checked.scan.detail[:300],
        uploaded_by=user,
    )
    # The stored name is the checksum (see attachment_path): nothing the uploader chose reaches the file system.
    attachment.file.save(upload.name, upload, save=False)
    try:
        save_with_history(attachment, user=user)
    except Exception:
        attachment.file.delete(save=False)
        raise
    if case is not None:
        CaseEvent.objects.create(case=case, user=user, kind=EventKind.ATTACHMENT, note=attachment.original_name)
    return attachment


@transaction.atomic
def attachment_void(*, user, attachment: Attachment, reason: str) -> Attachment:
    """Void a document attached by mistake. It is kept (file and row) with the reason in its history, and no
    longer offered for download."""
    require_right(user, Action.CHANGE, attachment.unit_id)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for voiding.")})
    if len(reason) > VOID_REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": _("Keep the reason to {count} characters or fewer.").format(count=VOID_REASON_MAX_LENGTH)}
        )
    attachment = Attachment.objects.select_for_update().get(pk=attachment.pk)
    if attachment.is_void:
        raise ValidationError(_("This document is already voided."))
    attachment.is_void = True
    attachment._change_reason = reason
    save_with_history(attachment, user=user)
    if attachment.case_id:
        CaseEvent.objects.create(
            case_id=attachment.case_id,
            user=user,
            kind=EventKind.VOIDED,
            note=_("Document {name} voided: {reason}").format(name=attachment.original_name, reason=reason),
        )
    return attachment
