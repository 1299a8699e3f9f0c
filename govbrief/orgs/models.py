from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from govbrief.core.models import ChoiceDisplay

from .choices import Gender, RegistrationState, Role, UnitKind, UnitLevel


class Unit(ChoiceDisplay, models.Model):
    """A node of the reporting network (SPEC §2): an office, a department, a liaison office,
    or a special informant reporting as an individual."""

    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    code = models.SlugField(_("code"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices, default=UnitKind.OFFICE)
    level = models.CharField(_("level"), max_length=20, choices=UnitLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    is_direct_point = models.BooleanField(_("direct reporting point"), default=False)
    extra_report_targets = models.ManyToManyField(
        "self",
        verbose_name=_("additional receiving offices"),
        symmetrical=False,
        blank=True,
        related_name="extra_reporting_units",
        help_text=_("Offices this unit may also report to, e.g. a direct reporting point to the State Council office."),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("office phone"), max_length=40, blank=True)
    fax = models.CharField(_("fax"), max_length=40, blank=True)
    screening_days = models.PositiveSmallIntegerField(
        _("screening time (working days)"), default=1,
        help_text=_("How many working days an incoming report may wait before it is flagged overdue."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["sort_order", "id"]
        indexes = [models.Index(fields=["parent", "kind"])]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def is_office(self) -> bool:
        return self.kind == UnitKind.OFFICE

    def ancestors(self) -> list[Unit]:
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    def is_descendant_of(self, other: Unit) -> bool:
        return any(a.pk == other.pk for a in self.ancestors())


class DirectPointStatusChange(models.Model):
    """History of a unit's direct-reporting-point status (SPEC §2: 总量控制、优胜劣汰)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="direct_point_history", verbose_name=_("unit"))
    is_direct_point = models.BooleanField(_("direct reporting point"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    changed_by = models.ForeignKey(
        "orgs.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("changed by")
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("direct reporting point status change")
        verbose_name_plural = _("direct reporting point status changes")
        ordering = ["-changed_at", "-id"]


class User(AbstractUser):
    """A person; belongs to one unit and holds one or more roles there (SPEC §1)."""

    name = models.CharField(_("full name"), max_length=50, blank=True)
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="members", verbose_name=_("unit")
    )
    post = models.CharField(_("post"), max_length=60, blank=True)
    mobile = models.CharField(_("mobile"), max_length=30, blank=True)
    office_phone = models.CharField(_("office phone"), max_length=40, blank=True)
    must_change_password = models.BooleanField(_("must change password"), default=False)
    failed_logins = models.PositiveSmallIntegerField(_("failed logins in a row"), default=0)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.name or self.username

    def get_full_name(self) -> str:
        return self.name or self.username

    @property
    def is_locked_out(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()

    @cached_property
    def role_set(self) -> frozenset[str]:
        return frozenset(self.role_assignments.values_list("role", flat=True))

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set.intersection(roles))

    @property
    def role_labels(self) -> list[str]:
        return [Role(r).label for r in Role.values if r in self.role_set]


class RoleAssignment(ChoiceDisplay, models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_user_role")]

    def __str__(self) -> str:
        return self.get_role_display()


class InformantRegistration(ChoiceDisplay, models.Model):
    """分管政务信息领导及信息员登记表 (seed 004): filed by a unit, approved by the unit's head,
    then by the office above; approval creates the accounts."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("unit"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    office_phone = models.CharField(_("office phone"), max_length=40, blank=True)
    fax = models.CharField(_("fax"), max_length=40, blank=True)

    leader_name = models.CharField(_("supervising leader"), max_length=50)
    leader_post = models.CharField(_("leader's post"), max_length=60)
    leader_duties = models.CharField(_("leader's responsibilities"), max_length=200, blank=True)
    leader_office_phone = models.CharField(_("leader's office phone"), max_length=40, blank=True)
    leader_mobile = models.CharField(_("leader's mobile"), max_length=30)
    leader_home_phone = models.CharField(_("leader's home phone"), max_length=40, blank=True)
    leader_govnet = models.CharField(_("leader's government network number"), max_length=40, blank=True)
    leader_email = models.EmailField(_("leader's e-mail"), blank=True)

    informant_name = models.CharField(_("informant"), max_length=50)
    informant_gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    informant_post = models.CharField(_("informant's post"), max_length=60)
    informant_birth_month = models.DateField(_("birth month"), help_text=_("Any day of the month."))
    informant_native_place = models.CharField(_("native place"), max_length=60)
    informant_party_member = models.BooleanField(_("party member"), default=False)
    informant_office_phone = models.CharField(_("informant's office phone"), max_length=40, blank=True)
    informant_mobile = models.CharField(_("informant's mobile"), max_length=30)
    informant_home_phone = models.CharField(_("informant's home phone"), max_length=40, blank=True)
    informant_govnet = models.CharField(_("informant's government network number"), max_length=40, blank=True)
    informant_qq = models.CharField(_("QQ number"), max_length=20, blank=True)
    informant_email = models.EmailField(_("informant's e-mail"), blank=True)
    informant_resume = models.TextField(_("informant's résumé"))

    state = models.CharField(
        _("state"), max_length=20, choices=RegistrationState.choices, default=RegistrationState.SUBMITTED
    )
    filed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("filed by"))
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    unit_opinion = models.CharField(_("unit head's opinion"), max_length=300, blank=True)
    unit_approved_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("approved by unit head")
    )
    unit_approved_at = models.DateTimeField(_("unit head approved at"), null=True, blank=True)
    office_opinion = models.CharField(_("office's opinion"), max_length=300, blank=True)
    office_approved_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("approved by office")
    )
    office_approved_at = models.DateTimeField(_("office approved at"), null=True, blank=True)
    leader_account = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("leader's account")
    )
    informant_account = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("informant's account")
    )

    class Meta:
        verbose_name = _("informant registration")
        verbose_name_plural = _("informant registrations")
        ordering = ["-filed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.unit} · {self.informant_name}"


# What a page shows of a person or a unit it names (core.columns): a person by name, never with
# the password hash, the login times or the contact details of the row; a unit by its name, level
# and kind (the rules of permissions and scoring read these), not its address.
PERSON_COLUMNS = ("id", "username", "name", "unit_id", "is_active")
UNIT_COLUMNS = ("id", "name", "short_name", "code", "kind", "level", "parent_id", "is_direct_point",
                "screening_days", "is_active", "sort_order")
