import pytest


@pytest.fixture
def admin_client_superuser(client, world):
    """A superuser logged in on the admin site."""
    from govbrief.orgs.models import User

    admin = User.objects.create_superuser(username="root", password="Root#2026x", email="root@example.gov.cn")
    client.force_login(admin)
    return client, admin
