"""The category sync against the real mock gateway, in process."""

import importlib
import io
from datetime import timedelta

import pytest
import time_machine
from django.apps import apps as django_apps
from django.core.management import call_command
from django.utils import timezone, translation

from alibaba.client import AlibabaClient, TransientError
from alibaba.mock import MockGateway
from alibaba.mock.transport import MockTransport
from catalog.categories import SyncReport, categories_sync, categories_sync_due
from catalog.models import Category, CategoryAttribute, InputType
from catalog.tasks import catalog_sync_categories
from tests.catalog.factories import CategoryFactory

pytestmark = pytest.mark.django_db

APP_KEY, APP_SECRET = "catalog-test-app", "catalog-test-secret"
LEAVES = 48  # docs/gateway.md


@pytest.fixture
def gateway():
    gateway = MockGateway(
        app_key=APP_KEY, app_secret=APP_SECRET, seed=4, rate_limit_per_s=None, push_sender=lambda *args: 200
    )
    yield gateway
    gateway.close()


@pytest.fixture
def client(gateway):
    with AlibabaClient("http://gw", APP_KEY, APP_SECRET, transport=MockTransport(gateway)) as client:
        yield client


def test_the_whole_tree_and_every_leafs_attributes_are_copied(client):
    report = categories_sync(client=client)

    total = Category.objects.count()
    assert Category.objects.filter(is_leaf=True).count() == LEAVES
    assert report == SyncReport(categories_created=total, attributes_created=CategoryAttribute.objects.count())
    bags = Category.objects.select_related("parent__parent").get(category_id=1202)
    assert (bags.name, bags.level, bags.is_leaf) == ("Jute Shopping Bags", 3, True)
    assert (bags.parent.category_id, bags.parent.level, bags.parent.is_leaf) == (1200, 2, False)
    assert (bags.parent.parent.category_id, bags.parent.parent.parent_id) == (1000, None)
    finished_leather = Category.objects.get(category_id=2300)
    assert (finished_leather.level, finished_leather.is_leaf) == (2, True)

    origin = bags.attributes.get(attribute_id=1)
    assert (origin.name, origin.is_required, origin.input_type) == ("Place of Origin", True, InputType.SINGLE_SELECT)
    assert "Bangladesh" in origin.value_names.values()
    assert bags.attributes.get(attribute_id=2).input_type == InputType.INPUT
    assert bags.attributes.get(attribute_id=2).values == []
    shrimp = Category.objects.get(category_id=7101)
    assert set(shrimp.attributes.values_list("attribute_id", flat=True)) == {1, 2, 3, 5, 6}
    # Only leaves have attributes.
    assert not CategoryAttribute.objects.filter(category__is_leaf=False).exists()


def test_a_second_sync_changes_nothing(client):
    categories_sync(client=client)
    before = list(Category.objects.values("category_id", "name", "parent_id", "level", "is_leaf"))
    attributes = list(CategoryAttribute.objects.values("pk", "name", "is_required", "input_type", "values"))

    report = categories_sync(client=client)

    assert report == SyncReport(categories_unchanged=len(before), attributes_unchanged=len(attributes))
    assert list(Category.objects.values("category_id", "name", "parent_id", "level", "is_leaf")) == before
    assert list(CategoryAttribute.objects.values("pk", "name", "is_required", "input_type", "values")) == attributes


def test_drift_is_repaired_and_rows_the_gateway_dropped_are_kept_and_counted(client):
    categories_sync(client=client)
    Category.objects.filter(category_id=1202).update(name="Old name", is_leaf=False)
    CategoryAttribute.objects.filter(category__category_id=1202, attribute_id=1).update(is_required=False, values=[])
    CategoryAttribute.objects.filter(category__category_id=1202, attribute_id=7).delete()
    CategoryFactory(category_id=9999, name="Discontinued")

    report = categories_sync(client=client)

    assert (report.categories_updated, report.categories_created, report.categories_stale) == (1, 0, 1)
    assert (report.attributes_updated, report.attributes_created, report.attributes_stale) == (1, 1, 0)
    bags = Category.objects.get(category_id=1202)
    assert (bags.name, bags.is_leaf) == ("Jute Shopping Bags", True)
    assert bags.attributes.get(attribute_id=1).is_required
    assert Category.objects.filter(category_id=9999).exists()


def test_a_gateway_failure_writes_nothing(gateway, client):
    gateway.configure(isp_error_rate=0.5)

    with pytest.raises(TransientError):
        categories_sync(client=client)

    assert not Category.objects.exists()


def test_the_command_syncs_through_the_configured_client(gateway, monkeypatch):
    def from_settings(cls):
        return cls("http://gw", APP_KEY, APP_SECRET, transport=MockTransport(gateway))

    monkeypatch.setattr(AlibabaClient, "from_settings", classmethod(from_settings))
    out = io.StringIO()

    call_command("sync_categories", stdout=out)
    call_command("sync_categories", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0].startswith("categories: ") and " 0 unchanged" in lines[0]
    assert lines[1].startswith("categories: 0 created, 0 updated, ")
    assert Category.objects.filter(is_leaf=True).count() == LEAVES


def test_a_sync_is_due_when_there_is_no_copy_yet_or_the_copy_is_old(client):
    day = timedelta(days=1)
    assert categories_sync_due(max_age=day)

    categories_sync(client=client)
    assert not categories_sync_due(max_age=day)

    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert categories_sync_due(max_age=day)


def test_the_periodic_task_copies_the_tree_only_when_it_is_due(gateway, monkeypatch):
    clients = []

    def from_settings(cls, **overrides):
        clients.append(cls("http://gw", APP_KEY, APP_SECRET, transport=MockTransport(gateway)))
        return clients[-1]

    monkeypatch.setattr(AlibabaClient, "from_settings", classmethod(from_settings))

    assert catalog_sync_categories() != "fresh"
    assert Category.objects.filter(is_leaf=True).count() == LEAVES
    assert catalog_sync_categories() == "fresh"
    assert len(clients) == 1


def test_every_category_and_attribute_of_the_tree_gets_its_bengali_name(client):
    categories_sync(client=client)

    assert not Category.objects.filter(name_bn="").exists()
    assert not CategoryAttribute.objects.filter(name_bn="").exists()
    assert Category.objects.get(category_id=7201).name_bn == "ইলিশ"
    origin = CategoryAttribute.objects.filter(attribute_id=1).first()
    assert origin.name_bn == "উৎপত্তিস্থল"
    # Every value is translated but the names of standards (ISO 9001, HACCP …), which stay as written.
    untranslated = {
        value["name"]
        for attribute in CategoryAttribute.objects.all()
        for value in attribute.values
        if str(value["value_id"]) not in attribute.value_names_bn
    }
    assert "Bangladesh" not in untranslated and "Tossa Jute" not in untranslated
    assert untranslated <= {
        "ISO 9001",
        "ISO 22000",
        "GOTS",
        "OEKO-TEX Standard 100",
        "BSCI",
        "WRAP",
        "LWG",
        "REACH",
        "FSC",
        "FDA",
        "LFGB",
        "CE",
        "HACCP",
        "BRC",
        "BAP",
        "ASC",
        "USDA Organic",
        "GlobalG.A.P.",
    }
    with translation.override("bn"):
        assert "বাংলাদেশ" in origin.display_value_names.values()


def test_the_data_migration_translates_rows_copied_before_it(client):
    categories_sync(client=client)
    Category.objects.update(name_bn="")
    CategoryAttribute.objects.update(name_bn="", value_names_bn={})

    migration = importlib.import_module("catalog.migrations.0008_category_and_attribute_names_bn")
    migration.fill_names_bn(django_apps, None)

    assert not Category.objects.filter(name_bn="").exists()
    assert not CategoryAttribute.objects.filter(name_bn="").exists()
    assert not CategoryAttribute.objects.filter(attribute_id=1, value_names_bn={}).exists()


def test_a_refresh_keeps_bengali_names_and_a_new_name_falls_back_to_english(client):
    categories_sync(client=client)
    # A person's own translation outlives the gateway's refresh, as does the one from the table.
    Category.objects.filter(category_id=1202).update(name_bn="পাটের বাজারের ব্যাগ")
    CategoryAttribute.objects.filter(attribute_id=3).update(name_bn="কাঁচামাল")
    bangladesh = str(CategoryAttribute.objects.filter(attribute_id=1).first().values[0]["value_id"])
    CategoryAttribute.objects.filter(attribute_id=1).update(value_names_bn={bangladesh: "বাংলাদেশ (স্বদেশ)"})
    # A category the gateway renamed into a name nobody translated yet keeps what it had...
    Category.objects.filter(category_id=7201).update(name="Old Hilsa")
    # ...and one that never had a Bengali name gets it from the table.
    Category.objects.filter(category_id=8200).update(name_bn="")

    categories_sync(client=client)

    assert Category.objects.get(category_id=1202).name_bn == "পাটের বাজারের ব্যাগ"
    assert set(CategoryAttribute.objects.filter(attribute_id=3).values_list("name_bn", flat=True)) == {"কাঁচামাল"}
    assert Category.objects.get(category_id=7201).name_bn == "ইলিশ"
    assert Category.objects.get(category_id=8200).name_bn == "চা"
    for names in CategoryAttribute.objects.filter(attribute_id=1).values_list("value_names_bn", flat=True):
        assert names[bangladesh] == "বাংলাদেশ (স্বদেশ)"
        assert "ভারত" in names.values()  # the others came back from the table


def test_display_name_follows_the_active_language_and_falls_back_to_english():
    translated = CategoryFactory(name="Tea", name_bn="চা")
    untranslated = CategoryFactory(name="Something New", name_bn="")

    with translation.override("bn"):
        assert (translated.display_name, untranslated.display_name) == ("চা", "Something New")
    with translation.override("en"):
        assert translated.display_name == "Tea"
