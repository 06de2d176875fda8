from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import OperationalError
from django.utils.translation import gettext as _

from reports.services import report_compile, report_fail


# ignore_result: the outcome is the report's row; publishing then never touches the result backend, which is the
# broker's Redis too and would hold a request for tens of seconds while it is down.
@shared_task(
    name="reports.compile_report", bind=True, acks_late=True, max_retries=3, soft_time_limit=600, ignore_result=True
)
def compile_report(self, report_id: int, **kwargs) -> None:
    """Compile one report. Retried on a lost database connection; any other error marks it failed."""
    try:
        report_compile(report_id=report_id)
    except OperationalError as error:
        if self.request.retries >= self.max_retries:
            report_fail(report_id=report_id, reason=_("The database was unreachable: {error}").format(error=error))
            return
        raise self.retry(exc=error, countdown=10 * (self.request.retries + 1)) from error
    except SoftTimeLimitExceeded:
        report_fail(report_id=report_id, reason=_("The compilation took too long and was stopped."))
    except Exception as error:
        report_fail(report_id=report_id, reason=_("The compilation failed: {error}").format(error=error))
        raise
