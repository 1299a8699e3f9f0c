"""The test world: a small province with every kind of unit and a person in every role.

    国务院办公厅 (national)
    └── 省政府办公厅 province
        ├── 省发展改革委 prov_dept (department)
        └── 市政府办公室 city
            ├── 市教育局 city_dept (department)
            ├── 县政府办公室 county
            │   └── 镇人民政府 township
            ├── 另一县政府办公室 county2
            └── 直报点县 direct_point (county office, direct reporting point)
    another city (city2) with its own county (county_b): a bystander that must see nothing.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest

from govbrief.orgs.choices import Role, UnitKind, UnitLevel
from govbrief.orgs.models import Unit, User

from .factories import UnitFactory, UserFactory


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: the calendar and the like are cached by key, and a rolled
    back test database hands out the same ids again."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def run_tasks():
    """Run the background tasks that are due, as a worker would (core.background), until none is
    left; tasks queued for later (a retry, a reminder) stay queued. Returns how many ran."""
    from govbrief.core.background import run_due_tasks

    return run_due_tasks


@pytest.fixture
def side_effects(django_capture_on_commit_callbacks, run_tasks):
    """``with side_effects(): …``: what follows the changes made in the block once they commit, run at
    its end: the in-process subscribers (on commit), then the background tasks that are due, as a
    worker would run them (notifications, e-mail)."""

    @contextmanager
    def run():
        with django_capture_on_commit_callbacks(execute=True):
            yield
        run_tasks()

    return run


@dataclass
class World:
    units: dict[str, Unit] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)

    def __getattr__(self, name):
        units = self.__dict__.get("units", {})
        users = self.__dict__.get("users", {})
        if name in units:
            return units[name]
        if name in users:
            return users[name]
        raise AttributeError(name)


def build_world() -> World:
    w = World()
    U = UnitFactory
    w.units["national"] = U(name="国务院办公厅", code="gwy", level=UnitLevel.NATIONAL)
    w.units["province"] = U(name="省政府办公厅", code="prov", level=UnitLevel.PROVINCE, parent=w.units["national"])
    w.units["prov_dept"] = U(name="省发展改革委", code="prov-fgw", level=UnitLevel.PROVINCE, kind=UnitKind.DEPARTMENT,
                             parent=w.units["province"])
    w.units["city"] = U(name="甲市政府办公室", code="city", level=UnitLevel.CITY, parent=w.units["province"])
    w.units["city_dept"] = U(name="甲市教育局", code="city-edu", level=UnitLevel.CITY, kind=UnitKind.DEPARTMENT,
                             parent=w.units["city"])
    w.units["county"] = U(name="乙县政府办公室", code="county", level=UnitLevel.COUNTY, parent=w.units["city"])
    w.units["county2"] = U(name="丙县政府办公室", code="county2", level=UnitLevel.COUNTY, parent=w.units["city"])
    w.units["township"] = U(name="丁镇人民政府", code="town", level=UnitLevel.TOWNSHIP, parent=w.units["county"])
    w.units["direct_point"] = U(name="戊县政府办公室", code="direct", level=UnitLevel.COUNTY, parent=w.units["city"],
                                is_direct_point=True)
    w.units["city2"] = U(name="己市政府办公室", code="city2", level=UnitLevel.CITY, parent=w.units["province"])
    w.units["county_b"] = U(name="庚县政府办公室", code="county-b", level=UnitLevel.COUNTY, parent=w.units["city2"])

    def person(key, unit, *roles):
        w.users[key] = UserFactory(username=key, name=f"{unit}{key}", unit=w.units[unit], roles=list(roles))

    for unit in ("township", "county", "county2", "direct_point", "city_dept", "prov_dept", "county_b"):
        person(f"{unit}_informant", unit, Role.INFORMANT)
        person(f"{unit}_signer", unit, Role.SIGNER)
    for unit in ("county", "city", "province", "national", "city2", "direct_point"):
        person(f"{unit}_editor", unit, Role.EDITOR)
        person(f"{unit}_chief", unit, Role.CHIEF_EDITOR)
    person("city_informant", "city", Role.INFORMANT)
    person("city_signer", "city", Role.SIGNER)
    person("city_leader", "city", Role.LEADER)
    person("county_principal", "county", Role.PRINCIPAL)
    person("city_sysadmin", "city", Role.SYSTEM_ADMIN)
    return w


@pytest.fixture
def world(db) -> World:
    return build_world()
