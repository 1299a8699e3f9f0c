from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Frequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    IRREGULAR = "irregular", _("Irregular")


class Tier(models.TextChoices):
    """What an adoption into the publication counts as for scoring: the published rules price a
    《专报》 above the general 《政务信息》 and an 增刊 or research issue above both
    (reference/published-scoring-rules.md §2; the scoring issue prices each tier per rule set)."""

    GENERAL = "general", _("General bulletin (动态/综合)")
    SPECIAL = "special", _("Special report (专报)")
    SUPPLEMENT = "supplement", _("Supplement or research issue (增刊/调研)")
    EXPRESS = "express", _("Express (快报/要情)")
    REFERENCE = "reference", _("For reference (参阅)")


class IssueState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("issue", "Draft")
    PENDING = "pending", pgettext_lazy("issue", "Awaiting approval")
    APPROVED = "approved", pgettext_lazy("issue", "Approved")
    PUBLISHED = "published", pgettext_lazy("issue", "Published")
    WITHDRAWN = "withdrawn", pgettext_lazy("issue", "Withdrawn")


# The allowed transitions, next to the state field (STYLE).
ISSUE_TRANSITIONS: dict[str, frozenset[str]] = {
    "compose": frozenset({IssueState.DRAFT}),
    "send_for_approval": frozenset({IssueState.DRAFT}),
    "approve": frozenset({IssueState.PENDING}),
    "return": frozenset({IssueState.PENDING, IssueState.APPROVED}),
    "publish": frozenset({IssueState.APPROVED}),
    "withdraw": frozenset({IssueState.PUBLISHED}),
    "delete": frozenset({IssueState.DRAFT}),
}


class DistributionLine(models.TextChoices):
    """The 版记's lines: 报 (to superiors), 送 (to peers and leaders), 发 (down the tree)."""

    BAO = "bao", "报"
    SONG = "song", "送"
    FA = "fa", "发"


class IssueAction(models.TextChoices):
    CREATED = "created", pgettext_lazy("issue event", "Issue started")
    EDITED = "edited", pgettext_lazy("issue event", "Particulars edited")
    ITEM_ADDED = "item_added", pgettext_lazy("issue event", "Item added")
    ITEM_EDITED = "item_edited", pgettext_lazy("issue event", "Item edited")
    ITEM_REMOVED = "item_removed", pgettext_lazy("issue event", "Item removed")
    REORDERED = "reordered", pgettext_lazy("issue event", "Items reordered")
    MERGED = "merged", pgettext_lazy("issue event", "Composite item written")
    SENT = "sent", pgettext_lazy("issue event", "Sent for approval")
    APPROVED = "approved", pgettext_lazy("issue event", "Approved")
    RETURNED = "returned", pgettext_lazy("issue event", "Returned")
    PUBLISHED = "published", pgettext_lazy("issue event", "Published")
    WITHDRAWN = "withdrawn", pgettext_lazy("issue event", "Withdrawn")
