"""An office's publications as the adoption step needs them. Kept apart from the bulletins' services
so that screening (reports) can name a publication without importing the composing workflow."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .choices import Frequency, Tier
from .models import Publication

# The set an office starts with until it defines its own (SPEC §4 names them). The codes are those
# the adoption API has always taken, so integrations keep working.
STANDARD_PUBLICATIONS: tuple[dict, ...] = (
    {"code": "general", "name": "政务信息", "tier": Tier.GENERAL, "frequency": Frequency.WEEKLY,
     "classification": "内部资料 注意保存"},
    {"code": "special", "name": "专报", "masthead": "专报信息", "tier": Tier.SPECIAL,
     "frequency": Frequency.IRREGULAR, "classification": "内部资料 注意保存"},
    {"code": "express", "name": "快报", "masthead": "政务快报", "tier": Tier.EXPRESS,
     "frequency": Frequency.IRREGULAR, "classification": "内部资料 注意保存"},
    {"code": "opinion", "name": "舆论监督与群众意见建议专报", "tier": Tier.SPECIAL,
     "frequency": Frequency.MONTHLY, "classification": "内部资料 注意保存"},
    {"code": "reference", "name": "内部参考", "tier": Tier.REFERENCE, "frequency": Frequency.IRREGULAR,
     "classification": "内部资料 注意保存"},
)


def standard_lines(office) -> dict:
    """The 版记 lines a new publication starts with: up to the office above, to the office's leaders,
    down to the units below (the editor adjusts them). Printed text, so Chinese whatever the
    language of the page that happened to create them."""
    parent = office.parent.name if office.parent_id else ""
    return {"line_bao": parent, "line_song": "本级政府领导", "line_fa": "各报送单位"}


def ensure_publications(office) -> list[Publication]:
    """The office's active publications; an office that has defined none gets the standard set first
    (once: the unique (office, code) constraint makes a second caller at the same moment harmless)."""
    publications = list(Publication.objects.filter(office=office, is_active=True))
    if publications or Publication.objects.filter(office=office).exists():
        return publications
    lines = standard_lines(office)
    for order, spec in enumerate(STANDARD_PUBLICATIONS):
        try:
            with transaction.atomic():
                Publication.objects.get_or_create(office=office, code=spec["code"],
                                                  defaults={**spec, **lines, "sort_order": order})
        except IntegrityError:  # another request created it in between
            pass
    return list(Publication.objects.filter(office=office, is_active=True))


def publication_for_adoption(office, publication) -> Publication:
    """The publication an adoption at ``office`` names: a Publication of that office, or its code."""
    if isinstance(publication, Publication):
        if publication.office_id == office.pk and publication.is_active:
            return publication
    else:
        code = str(publication or "general")
        for candidate in ensure_publications(office):
            if candidate.code == code:
                return candidate
    raise ValidationError({"publication": ValidationError(_("Choose one of this office's publications."),
                                                          code="invalid_choice")})
