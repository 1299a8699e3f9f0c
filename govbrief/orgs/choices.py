from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")


LEVEL_RANK = {UnitLevel.NATIONAL: 0, UnitLevel.PROVINCE: 1, UnitLevel.CITY: 2, UnitLevel.COUNTY: 3, UnitLevel.TOWNSHIP: 4}


class UnitKind(models.TextChoices):
    # 政府办公厅（室）/ 乡镇人民政府: the units that receive reports from below.
    OFFICE = "office", _("Government office")
    DEPARTMENT = "department", _("Department")
    LIAISON_OFFICE = "liaison", _("Liaison office")
    SPECIAL_INFORMANT = "special", _("Special informant")


class Role(models.TextChoices):
    INFORMANT = "informant", _("Informant")
    SIGNER = "signer", _("Signer")
    PRINCIPAL = "principal", _("Unit head")
    EDITOR = "editor", _("Editor")
    CHIEF_EDITOR = "chief_editor", _("Chief editor")
    LEADER = "leader", _("Leader")
    # 值班员: keeps an office's duty desk (值班室), which requests and receives emergency reports (SPEC §5).
    DUTY_OFFICER = "duty", _("Duty officer")
    SYSTEM_ADMIN = "sysadmin", _("System administrator")
    SECURITY_ADMIN = "secadmin", _("Security administrator")
    AUDIT_ADMIN = "auditor", _("Audit administrator")


# Who drafts, signs and screens: kept here so permissions and notifications ask the same question.
DRAFTING_ROLES = frozenset({Role.INFORMANT, Role.SIGNER})
SIGNING_ROLES = frozenset({Role.SIGNER, Role.PRINCIPAL})
SCREENING_ROLES = frozenset({Role.EDITOR, Role.CHIEF_EDITOR})


class Gender(models.TextChoices):
    MALE = "m", _("Male")
    FEMALE = "f", _("Female")


class RegistrationState(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting unit head")
    UNIT_APPROVED = "unit_approved", _("Awaiting office above")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
