"""The CSV import job: kept at upload for confirmation, queued once confirmed, then its
valid rows applied one by one through the catalogue and stock services by a Celery task,
recording progress and each row's error. Reading and checking a file is
``inventory.imports``."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from omni.actor import Actor
from omni.errors import DomainError
from omni.models import Location, User

from ..errors import ImportRefused
from ..imports import RowResult, preview
from ..models import ImportJob, Product
from .catalogue import product_create, product_update
from .stock import stock_count

PROGRESS_EVERY = 25


@transaction.atomic
def import_prepare(*, kind: str, filename: str, content: str, actor: Actor) -> tuple[ImportJob, list[RowResult]]:
    """Check the file and keep it as a job awaiting confirmation; nothing is imported yet."""
    if actor.user is None:  # a job is confirmed by the person who uploaded it
        raise ImportRefused(_("Only a signed-in person imports a file."))
    results = preview(kind=kind, content=content, actor=actor)
    job = ImportJob.objects.create(
        kind=kind,
        filename=filename.replace("\x00", "")[:200],
        content=content,
        total_rows=len(results),
        error_rows=sum(1 for result in results if not result.is_valid),
        created_by=actor.user,
    )
    return job, results


@transaction.atomic
def import_confirm(*, job: ImportJob, actor: Actor) -> ImportJob:
    """Queue the import after commit. Confirming twice queues it once."""
    from ..tasks import run_import

    if job.created_by_id != getattr(actor.user, "pk", None):
        raise ImportRefused(_("Only the person who uploaded this file may confirm it."))
    confirmed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEW).update(
        status=ImportJob.Status.PENDING, error_rows=0
    )
    if confirmed:
        transaction.on_commit(lambda: run_import.delay(str(job.pk)))
    job.refresh_from_db()
    return job


def _apply(job: ImportJob, result: RowResult, actor: Actor) -> None:
    data = dict(result.data)
    if job.kind == ImportJob.Kind.COUNTS:
        stock_count(
            sku=data["sku"],
            location=Location.objects.get(code=data["location"]),
            quantity=data["quantity"],
            reason=data["reason"] or _("CSV count %(file)s") % {"file": job.filename},
            reference=f"import:{job.pk}",
            actor=actor,
        )
        return
    sku = data.pop("sku")
    product = Product.objects.filter(sku=sku).first()
    if product is None:
        product_create(actor=actor, sku=sku, **data)
    else:
        product_update(product=product, actor=actor, **data)


def import_run(*, job_id: str) -> ImportJob | None:
    """Apply a job's rows. Only one run takes a pending job, so running it twice is safe."""
    taken = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.PENDING).update(status=ImportJob.Status.RUNNING)
    if not taken:
        return None
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    actor = Actor.for_user(job.created_by) if isinstance(job.created_by, User) else Actor.system()
    errors, applied = [], 0
    try:
        results = preview(kind=job.kind, content=job.content, actor=actor)
        for index, result in enumerate(results, start=1):
            if result.is_valid:
                try:
                    with transaction.atomic():
                        _apply(job, result, actor)
                    applied += 1
                except DomainError as exc:
                    result.errors.append(exc.detail)
                except Exception as exc:  # noqa: BLE001 - one bad row must not stop the file
                    result.errors.append(str(exc)[:200])
            if result.errors:
                errors.append({"line": result.line, "sku": result.data.get("sku", ""), "errors": result.errors})
            if index % PROGRESS_EVERY == 0:
                ImportJob.objects.filter(pk=job.pk).update(
                    processed_rows=index, applied_rows=applied, error_rows=len(errors)
                )
        status = ImportJob.Status.DONE
    except DomainError as exc:
        errors.append({"line": 0, "sku": "", "errors": [exc.detail]})
        status = ImportJob.Status.FAILED
    ImportJob.objects.filter(pk=job.pk).update(
        status=status,
        processed_rows=job.total_rows,
        applied_rows=applied,
        error_rows=len(errors),
        errors=errors[:1000],
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    return job
