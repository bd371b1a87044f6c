"""Forms of the seller's catalog dashboard. They only parse what the seller typed; the services decide (and refuse
with an ``ApplicationError``), and the listing rules say what is still missing to publish.

The product form is one long form in sections, so that it works on a phone without a wizard; the chosen category's
attributes are fields of their own (``attr_<gateway attribute id>``), required ones marked, allowed values offered as
a select. A draft may be incomplete: nothing needed only to publish is required here.
"""

import re
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import (
    MAX_PRICE,
    MAX_TIER_QUANTITY,
    MIN_PRICE,
    PAYMENT_METHODS,
    InputType,
    Port,
    ProductStatus,
    SamplePolicy,
    SupplyPeriod,
    Unit,
)
from catalog.rules import (
    ATTRIBUTE_TEXT_MAX,
    DESCRIPTION_MAX,
    KEYWORD_MAX,
    KEYWORDS_MAX,
    LEAD_DAYS_MAX,
    LEAD_TIMES_MAX,
    PACKAGING_MAX,
    QUANTITY_MAX,
    TIERS_MAX,
    hs_code_problems,
    normalize_hs_code,
)
from catalog.selectors import leaf_categories
from dxports import inputs, numbers

# The labels of selectors.SYNC_STATES.
SYNC_LABELS = {
    "not_sent": _("Not sent yet"),
    "sending": _("Being sent"),
    "in_step": _("Alibaba.com is up to date"),
    "behind": _("Changed since last sent"),
    "failed": _("Sync failed"),
}


def _blank(choices):
    return [("", "—"), *choices]


def _mark_needed(field: forms.Field, needed: bool) -> None:
    # The templates show "needed to publish" by this mark (``field.field.needed_to_publish``).
    field.needed_to_publish = needed  # type: ignore[attr-defined]  # an attribute of our own on Django's field


def category_id_or_none(value):
    """A gateway category id as typed or posted (ASCII digits, at most 18 of them: the ids are 64-bit), else None:
    "²" is a digit to isdigit() but not to int(), and 5,000 digits are more than int() or the database take."""
    return numbers.ascii_whole(str(value or ""))


class GatewayIdChoiceMixin(forms.ModelChoiceField):
    """Choices looked up by a gateway category id: anything that is not one is "not one of the choices"."""

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if category_id_or_none(value) is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class CategoryChoiceField(GatewayIdChoiceMixin, forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.parent.display_name} › {obj.display_name}" if obj.parent_id else obj.display_name


class CategoryFilterField(GatewayIdChoiceMixin, forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class ProductFilterForm(forms.Form):
    q = forms.CharField(label=_("Search title or SKU"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any"))] + ProductStatus.choices)
    category = CategoryFilterField(
        label=_("Category"), required=False, queryset=None, to_field_name="category_id", empty_label=_("Any")
    )
    sync = forms.ChoiceField(label=_("Sync"), required=False, choices=[("", _("Any")), *SYNC_LABELS.items()])

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["category"]).queryset = categories


class ProductForm(forms.Form):
    sku = forms.CharField(
        label=_("SKU"), max_length=64, help_text=_("Your own code for the product; each of your products has its own.")
    )
    title = forms.CharField(
        label=_("Title (English)"),
        max_length=128,
        help_text=_("What buyers read first: the product, its material and main feature, 50 to 110 characters."),
    )
    title_bn = forms.CharField(label=_("Title (Bengali)"), max_length=255, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=DESCRIPTION_MAX, widget=forms.Textarea(attrs={"rows": 6})
    )
    category = CategoryChoiceField(
        label=_("Category"), required=False, queryset=None, to_field_name="category_id", empty_label="—"
    )
    # No max_length: what is typed is read whole (dots, spaces, Bengali digits), then checked by the listing rules.
    hs_code = forms.CharField(
        label=_("HS code"),
        required=False,
        help_text=_("6 to 10 digits from the customs tariff."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    min_order_quantity = inputs.WholeNumberField(
        label=_("Minimum order quantity"), required=False, min_value=1, max_value=QUANTITY_MAX
    )
    unit = forms.ChoiceField(label=_("Unit"), required=False, choices=_blank(Unit.choices))
    supply_quantity = inputs.WholeNumberField(
        label=_("Supply ability"), required=False, min_value=1, max_value=QUANTITY_MAX
    )
    supply_period = forms.ChoiceField(label=_("Supply period"), required=False, choices=_blank(SupplyPeriod.choices))
    port = forms.ChoiceField(label=_("Port of shipment"), required=False, choices=_blank(Port.choices))
    payment_terms = forms.MultipleChoiceField(
        label=_("Payment terms"),
        required=False,
        choices=[(method, method) for method in PAYMENT_METHODS],
        widget=forms.CheckboxSelectMultiple,
    )
    packaging = forms.CharField(
        label=_("Packaging"), required=False, max_length=PACKAGING_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    certifications = forms.CharField(
        label=_("Certifications"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line."),
    )
    sample_policy = forms.ChoiceField(label=_("Samples"), required=False, choices=_blank(SamplePolicy.choices))

    # Fields a listing needs (catalog.rules): marked in the form, not required to save a draft.
    NEEDED_TO_PUBLISH = frozenset(
        {
            "title",
            "description",
            "category",
            "hs_code",
            "min_order_quantity",
            "unit",
            "supply_quantity",
            "supply_period",
            "port",
            "payment_terms",
            "lead_quantity_0",
            "lead_days_0",
            "tier_quantity_0",
            "tier_price_0",
        }
    )

    def __init__(self, *args, category_attributes=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["category"]).queryset = (
            leaf_categories().prefetch_related(None).order_by("parent__name", "name")
        )
        for index in range(KEYWORDS_MAX):
            self.fields[f"keyword_{index + 1}"] = forms.CharField(
                label=_("Keyword %(n)d") % {"n": index + 1}, required=False, max_length=KEYWORD_MAX
            )
        for index in range(TIERS_MAX):
            self.fields[f"tier_quantity_{index}"] = inputs.WholeNumberField(
                label=_("From quantity"), required=False, min_value=1, max_value=MAX_TIER_QUANTITY
            )
            self.fields[f"tier_price_{index}"] = inputs.DecimalNumberField(
                label=_("FOB price (US$)"),
                required=False,
                min_value=MIN_PRICE,
                max_value=MAX_PRICE,
                max_digits=9,
                decimal_places=2,
            )
        for index in range(LEAD_TIMES_MAX):
            self.fields[f"lead_quantity_{index}"] = inputs.WholeNumberField(
                label=_("Up to quantity"), required=False, min_value=1, max_value=QUANTITY_MAX
            )
            self.fields[f"lead_days_{index}"] = inputs.WholeNumberField(
                label=_("Days to ship"), required=False, min_value=1, max_value=LEAD_DAYS_MAX
            )
        self.category_attributes = list(category_attributes)
        for attribute in self.category_attributes:
            self.fields[self.attribute_field(attribute)] = self._attribute_field(attribute)
        for name in self.NEEDED_TO_PUBLISH:
            _mark_needed(self.fields[name], True)

    @staticmethod
    def attribute_field(attribute):
        return f"attr_{attribute.attribute_id}"

    @staticmethod
    def _attribute_field(attribute):
        choices = [(str(value_id), name) for value_id, name in attribute.display_value_names.items()]
        field: forms.Field
        if attribute.input_type == InputType.MULTI_SELECT:
            field = forms.MultipleChoiceField(
                label=attribute.display_name, required=False, choices=choices, widget=forms.CheckboxSelectMultiple
            )
        elif attribute.input_type == InputType.SINGLE_SELECT:
            field = forms.ChoiceField(label=attribute.display_name, required=False, choices=_blank(choices))
        else:
            field = forms.CharField(label=attribute.display_name, required=False, max_length=ATTRIBUTE_TEXT_MAX)
        _mark_needed(field, attribute.is_required)
        return field

    # Reading a product into the form, and the form into the services' arguments ---------------------------------------

    @classmethod
    def initial_for(cls, product):
        """The form's initial values for a saved product (its rows prefetched)."""
        initial = {
            name: getattr(product, name)
            for name in (
                "sku",
                "title",
                "title_bn",
                "description",
                "min_order_quantity",
                "unit",
                "supply_quantity",
                "supply_period",
                "port",
                "packaging",
                "sample_policy",
            )
        }
        initial["category"] = product.category.category_id if product.category_id else None
        initial["hs_code"] = product.hs_code
        initial["payment_terms"] = list(product.payment_terms or [])
        initial["certifications"] = "\n".join(product.certifications or [])
        for index, keyword in enumerate((product.keywords or [])[:KEYWORDS_MAX]):
            initial[f"keyword_{index + 1}"] = keyword
        for index, tier in enumerate(list(product.price_tiers.all())[:TIERS_MAX]):
            initial[f"tier_quantity_{index}"] = tier.start_quantity
            initial[f"tier_price_{index}"] = tier.price
        for index, item in enumerate((product.lead_times or [])[:LEAD_TIMES_MAX]):
            if isinstance(item, dict):
                initial[f"lead_quantity_{index}"] = item.get("quantity")
                initial[f"lead_days_{index}"] = item.get("days")
        for value in product.attribute_values.all():
            attribute = value.attribute
            name = cls.attribute_field(attribute)
            if attribute.input_type == InputType.MULTI_SELECT:
                initial.setdefault(name, []).append(str(value.value_id))
            elif attribute.input_type == InputType.SINGLE_SELECT:
                if value.value_id is not None:
                    initial[name] = str(value.value_id)
                else:  # a value given by name (an import): offer the matching one
                    by_name = {v["name"].casefold(): str(v["value_id"]) for v in attribute.values}
                    initial[name] = by_name.get(value.value_name.casefold(), "")
            else:
                initial[name] = value.value_name
        return initial

    def clean_hs_code(self):
        value = normalize_hs_code(self.cleaned_data["hs_code"])
        problems = hs_code_problems(value)
        if problems:
            raise forms.ValidationError([f"{problem.message} {problem.fix}" for problem in problems], code="hs_code")
        return value

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        for prefix_a, prefix_b, count, message in (
            ("tier_quantity", "tier_price", TIERS_MAX, _("Enter both the quantity and the price, or neither.")),
            ("lead_quantity", "lead_days", LEAD_TIMES_MAX, _("Enter both the quantity and the days, or neither.")),
        ):
            for index in range(count):
                a, b = f"{prefix_a}_{index}", f"{prefix_b}_{index}"
                if a in self.errors or b in self.errors:
                    continue
                if (cleaned.get(a) is None) != (cleaned.get(b) is None):
                    missing = a if cleaned.get(a) is None else b
                    self.add_error(missing, message)
        return cleaned

    def service_arguments(self):
        """The keyword arguments of ``product_create`` / ``product_update`` (all fields, lists replaced)."""
        data = self.cleaned_data
        fields = {
            name: data[name]
            for name in (
                "sku",
                "title",
                "title_bn",
                "description",
                "category",
                "hs_code",
                "unit",
                "supply_period",
                "port",
                "packaging",
                "sample_policy",
                "min_order_quantity",
                "supply_quantity",
            )
        }
        fields["payment_terms"] = list(data["payment_terms"])
        fields["certifications"] = [line.strip() for line in data["certifications"].splitlines() if line.strip()]
        fields["keywords"] = [
            data[f"keyword_{index + 1}"].strip()
            for index in range(KEYWORDS_MAX)
            if data[f"keyword_{index + 1}"].strip()
        ]
        fields["lead_times"] = [
            {"quantity": data[f"lead_quantity_{index}"], "days": data[f"lead_days_{index}"]}
            for index in range(LEAD_TIMES_MAX)
            if data[f"lead_quantity_{index}"] is not None
        ]
        fields["price_tiers"] = [
            (data[f"tier_quantity_{index}"], data[f"tier_price_{index}"])
            for index in range(TIERS_MAX)
            if data[f"tier_quantity_{index}"] is not None
        ]
        attributes = []
        for attribute in self.category_attributes:
            value = data.get(self.attribute_field(attribute))
            if attribute.input_type == InputType.MULTI_SELECT:
                attributes += [{"attribute_id": attribute.attribute_id, "value_id": int(v)} for v in value or []]
            elif attribute.input_type == InputType.SINGLE_SELECT:
                if value:
                    attributes.append({"attribute_id": attribute.attribute_id, "value_id": int(value)})
            elif value and value.strip():
                attributes.append({"attribute_id": attribute.attribute_id, "value_name": value.strip()})
        fields["attributes"] = attributes
        return fields

    # Where things are shown -------------------------------------------------------------------------------------------

    def sections(self, hints=None):
        """The form's sections for the template: ``[{"title", "items": [{"fields", "hints", "legend"}]}]``; a pair
        of fields (a price tier, a lead time) is one item. ``hints``: form field name → listing problems."""
        hints = hints or {}

        def item(*names, legend=""):
            return {
                "fields": [self[name] for name in names],
                "hints": [problem for name in names for problem in hints.get(name, [])],
                "legend": legend,
            }

        return [
            {
                "title": _("The product"),
                "items": [item("sku"), item("title"), item("title_bn"), item("description")],
            },
            {
                "title": _("Category and attributes"),
                "items": [item("category")]
                + [item(self.attribute_field(attribute)) for attribute in self.category_attributes],
            },
            {
                "title": _("Search"),
                "items": [item(f"keyword_{index + 1}") for index in range(KEYWORDS_MAX)] + [item("hs_code")],
            },
            {
                "title": _("Prices (FOB, US dollars)"),
                "items": [
                    item(
                        f"tier_quantity_{index}",
                        f"tier_price_{index}",
                        legend=_("Price tier %(n)d") % {"n": index + 1},
                    )
                    for index in range(TIERS_MAX)
                ],
            },
            {
                "title": _("Order and supply"),
                "items": [
                    item("min_order_quantity"),
                    item("unit"),
                    item("supply_quantity"),
                    item("supply_period"),
                ]
                + [
                    item(
                        f"lead_quantity_{index}",
                        f"lead_days_{index}",
                        legend=_("Lead time %(n)d") % {"n": index + 1},
                    )
                    for index in range(LEAD_TIMES_MAX)
                ],
            },
            {
                "title": _("Shipping and payment"),
                "items": [
                    item("port"),
                    item("payment_terms"),
                    item("packaging"),
                    item("certifications"),
                    item("sample_policy"),
                ],
            },
        ]


# Listing problems (catalog.rules.Problem.field) → the form field they are about.
_INDEXED = re.compile(r"(?P<name>\w+)\[(?P<index>\d+)\](?:\.(?P<part>\w+))?")


def form_field_of(problem_field):
    """The name of the form field a listing problem (or a service's ``extra["field"]``) is about, or None."""
    if problem_field.startswith("attributes."):
        return f"attr_{problem_field.split('.', 1)[1]}"
    match = _INDEXED.fullmatch(problem_field)
    if match:
        name, index, part = match["name"], int(match["index"]), match["part"]
        if name == "keywords":
            return f"keyword_{index + 1}" if index < KEYWORDS_MAX else "keyword_1"
        if name == "price_tiers":
            index = min(index, TIERS_MAX - 1)
            return f"tier_price_{index}" if part == "price" else f"tier_quantity_{index}"
        return name if name in ProductForm.base_fields else None
    return {
        "keywords": "keyword_1",
        "price_tiers": "tier_quantity_0",
        "lead_times": "lead_quantity_0",
        "attributes": "category",
    }.get(problem_field, problem_field if problem_field in ProductForm.base_fields else None)


class ImageUploadForm(forms.Form):
    # An empty file reaches catalog.images, whose refusal names it ("Choose a photo" would say nothing was sent).
    image = forms.FileField(
        label=_("Add a photo (JPEG or PNG, a phone camera's photo is fine)"),
        allow_empty_file=True,
        error_messages={"required": _("Choose a photo to upload."), "invalid": _("Choose a photo to upload.")},
    )


class ImageMoveForm(forms.Form):
    position = inputs.WholeNumberField(min_value=0, max_value=100)
