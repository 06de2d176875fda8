"""Documents attached to cases and letters (DESIGN §5): checked by core.uploads (type allow-list, size limit,
checksum, virus scan), stored under MEDIA_ROOT, which lies
outside the web root; files are served only by `cases.views_attachments.AttachmentDownloadView`."""

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Action
from accounts.scoping import require_right
from cases.choices import EventKind
from cases.models import Attachment, Case, CaseEvent, Letter
from core.locking import lock
from core.services import save_with_history
from core.uploads import check_upload

# The history keeps the reason for voiding; its column is 100 characters long.
VOID_REASON_MAX_LENGTH = 100


@transaction.atomic
def attachment_add(
    *,
    user: User,
    case: Case | None = None,
    letter: Letter | None = None,
    upload: UploadedFile,
    description: str = "",
    right: str = Action.CHANGE,
    field: str = "file",
) -> Attachment:
    """Attach an uploaded document to a case or a letter (exactly one).

    `right` is what the uploader needs on the record's unit: CHANGE, or RECORD for the signed scan of a decision
    (services.case_record_decision, which names the form's `field` the errors go to).

    Refused, with nothing stored: a type outside the allow-list, a file larger than ATTACHMENT_MAX_MB, content
    that does not match its extension, and a file the virus scanner finds infected. A scanner that fails is not a
    reason to lose the document: it is stored with scan status ERROR and the reason.
    """
    parent: Case | Letter
    if case is not None and letter is None:
        parent = case
    elif letter is not None and case is None:
        parent = letter
    else:
        raise ValueError("Attach to exactly one of a case or a letter.")
    require_right(user, right, parent.unit_id)
    checked = check_upload(upload, user=user, field=field)
    # Locked after the scan (which may take seconds) and checked as it is now: a record voided meanwhile takes no
    # new document, and an upload does not wait on other work on the case, nor hold it up, while it is scanned.
    parent = lock(parent)
    if parent.is_void:
        raise ValidationError(_("Documents cannot be added to a voided record."))
    name = upload.name or ""  # check_upload refused a file without a name (it has no type)
    attachment = Attachment(
        unit_id=parent.unit_id,
        case=case,
        letter=letter,
        original_name=name,
        content_type=checked.file_type.content_type,
        size=upload.size or 0,
        sha256=checked.sha256,
        description=description.strip(),
        scan_status=checked.scan.status,
        scan_detail=checked.scan.detail[:300],
        uploaded_by=user,
    )
    # The stored name is the checksum (see attachment_path): nothing the uploader chose reaches the file system.
    attachment.file.save(name, upload, save=False)
    try:
        save_with_history(attachment, user=user)
    except Exception:
        attachment.file.delete(save=False)
        raise
    if case is not None:
        CaseEvent.objects.create(case=case, user=user, kind=EventKind.ATTACHMENT, note=attachment.original_name)
    return attachment


@transaction.atomic
def attachment_void(*, user: User, attachment: Attachment, reason: str) -> Attachment:
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
    attachment = lock(attachment)
    if attachment.is_void:
        raise ValidationError(_("This document is already voided."))
    attachment.is_void = True
    attachment._change_reason = reason  # type: ignore[attr-defined]  # django-simple-history reads it on save
    save_with_history(attachment, user=user)
    if attachment.case_id:
        CaseEvent.objects.create(
            case_id=attachment.case_id,
            user=user,
            kind=EventKind.VOIDED,
            note=_("Document {name} voided: {reason}").format(name=attachment.original_name, reason=reason),
        )
    return attachment
