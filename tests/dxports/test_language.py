"""The language a person chooses is remembered: the dashboard and their e-mails follow it on any device."""

import pytest

from tests.sellers.factories import OwnerFactory

pytestmark = pytest.mark.django_db


def test_the_chosen_language_is_remembered_for_the_person(client):
    owner = OwnerFactory().user
    client.force_login(owner)

    response = client.post("/i18n/setlang/", {"language": "bn", "next": "/dashboard/"})

    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.language == "bn"


def test_another_device_shows_the_remembered_language(client):
    owner = OwnerFactory(user__language="bn").user
    client.force_login(owner)  # a new browser: no language cookie

    response = client.get("/dashboard/")

    assert response["Content-Language"] == "bn"


def test_an_unknown_language_is_not_stored(client):
    owner = OwnerFactory().user
    client.force_login(owner)
    client.post("/i18n/setlang/", {"language": "xx", "next": "/dashboard/"})
    owner.refresh_from_db()
    assert owner.language == ""
