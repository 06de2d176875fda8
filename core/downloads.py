"""The one way a protected file leaves the server: as a download, never rendered, never cached.

Attachments, a plan task's evidence, an export and a compiled report hold personal data or unit records that only
the scope gate may hand out. Every such response therefore carries the same headers, built here and nowhere else:
- ``Content-Disposition: attachment`` with the name in UTF-8 (RFC 6266 and RFC 8187: ``filename*``) and an ASCII
  fallback without diacritics for old clients, so "Biên bản xác minh.pdf" keeps its Vietnamese name;
- ``X-Content-Type-Options: nosniff`` and ``Content-Security-Policy: sandbox``, so an uploaded file the browser would
  otherwise sniff as HTML cannot run in the application's origin;
- ``Cache-Control: private, no-store``, so no shared proxy or disk cache keeps a copy after the user logs out.
A file missing from storage is a 404, logged with its name for the administrator, not a server error.

Pure: no application imports (the types come from the upload allow-list, core.uploads); the views that call it
check the right first.
"""

import logging
import mimetypes
import unicodedata
from urllib.parse import quote

from django.core.files import File
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase

from core.uploads import ALLOWED_TYPES

logger = logging.getLogger(__name__)

FALLBACK_NAME = "download"
# RFC 8187 attr-char: what may stand unescaped in ``filename*``.
_ATTR_CHARS = "!#$&+-.^_`|~"


def ascii_filename(name: str) -> str:
    """The name without diacritics (đ → d), anything not printable ASCII or unsafe in a quoted header value
    replaced by "_": the ``filename`` fallback of clients that ignore ``filename*``."""
    name = name.replace("đ", "d").replace("Đ", "D")
    name = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    name = "".join(c if " " <= c <= "~" and c not in '"\\/' else "_" for c in name).strip()
    return name or FALLBACK_NAME


def content_disposition(filename: str) -> str:
    """``attachment`` with the ASCII fallback and the exact UTF-8 name (RFC 6266 §4.3: both, fallback first)."""
    # Only the last path part, and no control characters: a stored name must not split the header.
    name = "".join(c for c in filename.replace("\\", "/").rsplit("/", 1)[-1] if unicodedata.category(c)[0] != "C")
    name = name.strip() or FALLBACK_NAME
    return f"attachment; filename=\"{ascii_filename(name)}\"; filename*=UTF-8''{quote(name, safe=_ATTR_CHARS)}"


def _protect[R: HttpResponseBase](response: R, filename: str) -> R:
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def _content_type(filename: str, content_type: str) -> str:
    """The given type; else the upload allow-list's type for the extension (Python's own table lacks the office
    formats unless the machine has /etc/mime.types); else Python's guess; else bytes to save."""
    if content_type:
        return content_type
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension in ALLOWED_TYPES:
        return ALLOWED_TYPES[extension].content_type
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def file_download_response(file: File | None, *, filename: str, content_type: str = "") -> FileResponse:
    """A stored file (a model's FieldFile) as a protected download, streamed. ``content_type`` is the type
    checked at upload where one was recorded; otherwise it follows the name's extension."""
    if not file or not file.name:
        raise Http404
    try:
        handle = file.open("rb")
    except FileNotFoundError as error:
        logger.error("Protected download: file %s is missing from storage", file.name)
        raise Http404 from error
    response = FileResponse(handle, content_type=_content_type(filename, content_type))
    return _protect(response, filename)


def content_download_response(content: bytes, *, filename: str, content_type: str = "") -> HttpResponse:
    """Bytes made for this request (a compiled report's DOCX or XLSX) as a protected download."""
    return _protect(HttpResponse(content, content_type=_content_type(filename, content_type)), filename)
