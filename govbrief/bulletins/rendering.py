"""An issue on paper: the models handed to the Word and PDF writers as a layout.BulletinDoc, and the
files rendered when an issue is published (a subscriber of ``bulletin.published``, so the request
that publishes does not wait and a failure is retried), kept so that downloads are instant."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.utils import timezone

from govbrief import events
from govbrief.events import DomainEvent, subscribe

from .layout import BulletinDoc, BulletinItem, Distribution
from .models import Issue

LINE_LABELS = (("line_bao", "报"), ("line_song", "送"), ("line_fa", "发"))


def bulletin_doc(issue: Issue) -> BulletinDoc:
    """The issue as the writers lay it out. An unpublished issue (a preview) has no numbers yet."""
    issue = Issue.objects.select_related("publication", "publication__office").get(pk=issue.pk)
    items = list(issue.items.order_by("position", "id").prefetch_related("sources__unit"))
    publication = issue.publication
    issued_on = issue.issued_on or timezone.localdate()
    return BulletinDoc(
        publication=publication.masthead_text, year=issue.year or issued_on.year, number=issue.number or 0,
        total_number=issue.total_number, editing_unit=publication.office.name, issued_on=issued_on,
        items=[BulletinItem(title=i.title, paragraphs=i.paragraphs, source=i.credit_line, note=i.note) for i in items],
        classification=issue.classification,
        distribution=[Distribution(label, getattr(issue, name)) for name, label in LINE_LABELS if getattr(issue, name)],
        printed_by=publication.issuer, printed_on=issued_on, editor_note=issue.editor_note,
    )


def file_stem(issue: Issue) -> str:
    """政务信息-2026-第49期: the files' name, as offices file them."""
    doc_name = issue.publication.name
    if issue.number:
        return f"{doc_name}-{issue.year}-第{issue.number}期"
    return f"{doc_name}-草稿-{issue.pk}"


def render_docx(issue: Issue) -> bytes:
    from .docx_writer import write_docx

    return write_docx(bulletin_doc(issue))


def render_pdf(issue: Issue) -> tuple[bytes, int]:
    """Raises pdf_writer.RenderError (naming the missing font or renderer) when it cannot."""
    from .pdf_writer import render_pdf as _render

    return _render(bulletin_doc(issue))


def store_files(issue: Issue) -> Issue:
    """Render both files of a published issue and keep them. A PDF that cannot be rendered (a font
    missing on this server) leaves the Word file and records the reason for the office to see."""
    from .pdf_writer import RenderError

    docx = render_docx(issue)
    stem = file_stem(issue)
    if issue.docx_file:
        issue.docx_file.delete(save=False)
    issue.docx_file.save(f"{stem}.docx", ContentFile(docx), save=False)
    try:
        pdf, pages = render_pdf(issue)
    except RenderError as exc:
        issue.render_error = str(exc)[:500]
        issue.pdf_pages = None
    else:
        if issue.pdf_file:
            issue.pdf_file.delete(save=False)
        issue.pdf_file.save(f"{stem}.pdf", ContentFile(pdf), save=False)
        issue.pdf_pages, issue.render_error = pages, ""
    issue.rendered_at = timezone.now()
    issue.save(update_fields=["docx_file", "pdf_file", "pdf_pages", "render_error", "rendered_at"])
    return issue


@subscribe("bulletin.published")
def render_published(event: DomainEvent) -> None:
    issue = Issue.objects.select_related("publication").filter(pk=event.target_id).first()
    if issue is None or issue.state != "published":
        return
    store_files(issue)
    events.record("bulletin.files_rendered", actor=None, target=issue, data={"pages": issue.pdf_pages or 0},
                  audit_data={"error": issue.render_error} if issue.render_error else None)
