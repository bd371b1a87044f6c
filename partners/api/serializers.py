"""What the partner API accepts (input serializers: types, shapes and bounds; the domains' services decide the rest)
and what it answers (output serializers: the shapes of ``partners.objects``, for the OpenAPI schema only).

Inputs refuse unknown fields (``Strict``): a misspelt field is a 400 naming it, never silently ignored.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from buyers.selectors import INQUIRY_CHOICES, REPLY_MAX_LENGTH
from catalog.selectors import PRODUCT_CHOICES
from partners.models import EVENT_TYPES, SELLER_SCOPES, Scope
from sellers.selectors import SELLER_CHOICES

TEXT_MAX = 1000

# The names of the schema's enums that several objects share a field name for (ENUM_NAME_OVERRIDES).
SELLER_STATUS = SELLER_CHOICES["status"]
PRODUCT_STATUS = PRODUCT_CHOICES["status"]
REQUIREMENT_STATUS = ["fine", "due", "expiring_soon", "expired", "refused"]
ENDPOINT_STATUS = ["enabled", "disabled"]
DELIVERY_STATUS = ["pending", "sending", "succeeded", "failed"]
BULK_STATUS = ["created", "updated", "unchanged", "failed"]
DOCUMENT_KIND = SELLER_CHOICES["document_kind"]
DOCUMENT_CONTENT_TYPE = ["application/pdf", "image/jpeg", "image/png"]
SYNC_KIND = ["product.upsert", "product.delist"]
INQUIRY_STATUS = INQUIRY_CHOICES["status"]
MESSAGE_DELIVERY = INQUIRY_CHOICES["delivery"]
ATTACHMENT_STATUS = INQUIRY_CHOICES["attachment_status"]
INCOTERM = INQUIRY_CHOICES["incoterm"]


def constant(value):
    """The ``object`` field of an object: always ``value``."""
    field_class = type(f"{value.title().replace('_', '')}Constant", (serializers.CharField,), {})
    return extend_schema_field({"type": "string", "const": value})(field_class)(help_text=f"Always {value}.")


LONG_TEXT_MAX = 100_000


class Strict(serializers.Serializer):
    """Refuses fields it does not know, naming them."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {
                        name: [serializers.ErrorDetail(str(_("Unknown field.")), code="unknown_field")]
                        for name in unknown
                    }
                )
        return super().to_internal_value(data)


class StringField(serializers.CharField):
    """Text, and only text: a number or a boolean is refused (``invalid``), not turned into a string."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


def _text(max_length=TEXT_MAX, **kwargs):
    return serializers.CharField(
        max_length=max_length, allow_blank=True, required=False, trim_whitespace=False, **kwargs
    )


def _choice(choices, **kwargs):
    return serializers.ChoiceField(choices=choices, allow_blank=True, required=False, **kwargs)


# The error format -----------------------------------------------------------------------------------------------------


class ErrorDetailSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True, help_text="The field, parameter or header at fault.")
    code = serializers.CharField()
    message = serializers.CharField()


class ErrorBodySerializer(serializers.Serializer):
    type = serializers.ChoiceField(
        choices=[
            "invalid_request_error",
            "authentication_error",
            "permission_error",
            "not_found_error",
            "conflict_error",
            "unprocessable_error",
            "rate_limit_error",
            "api_error",
        ]
    )
    code = serializers.CharField(help_text="A stable code to branch on, such as invalid, insufficient_scope.")
    message = serializers.CharField(help_text="What went wrong and what to do, for a person.")
    field = serializers.CharField(allow_null=True, help_text="The first field, parameter or header at fault.")
    details = ErrorDetailSerializer(many=True, allow_null=True, help_text="Every problem at once.")
    request_id = serializers.CharField(allow_null=True)


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


def list_of(item_serializer, name):
    """The list envelope around ``item_serializer``."""
    return type(
        name,
        (serializers.Serializer,),
        {
            "object": serializers.ChoiceField(choices=["list"]),
            "data": item_serializer(many=True),
            "has_more": serializers.BooleanField(),
            "next_cursor": serializers.CharField(
                allow_null=True, help_text="Pass as ?cursor= for the next page; null on the last page."
            ),
        },
    )


class ListQuery(Strict):
    """Every list: ``limit`` 1–100 (default 20) and the ``cursor`` of the previous page."""

    limit = serializers.IntegerField(min_value=1, max_value=100, default=20, required=False)
    cursor = serializers.CharField(max_length=2000, required=False)

    def to_internal_value(self, data):
        # A query string may carry parameters of other tools (utm_…); only ours are checked.
        return serializers.Serializer.to_internal_value(self, data)


# Sellers --------------------------------------------------------------------------------------------------------------


class SellerProfileSerializer(Strict):
    """The profile a partner may write. The rules (formats, dates, the district of the division, the ERC pair, the
    bank account's name) are the sellers domain's, the same as on the seller's dashboard."""

    legal_name = serializers.CharField(max_length=TEXT_MAX, required=False, trim_whitespace=False)
    trade_name = _text()
    business_type = _choice(SELLER_CHOICES["business_type"])
    year_established = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=9999)
    employees = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=10_000_000)
    categories = serializers.ListField(
        child=serializers.SlugField(max_length=50),
        required=False,
        max_length=50,
        help_text="Sector codes (GET /api/v1/sectors/).",
    )
    export_turnover = _choice(SELLER_CHOICES["export_turnover"])
    website = _text(help_text="https://…")
    address = _text()
    postcode = _text(help_text="4 digits.")
    division = _choice(SELLER_CHOICES["division"])
    district = _choice(SELLER_CHOICES["district"])
    contact_phone = _text(
        help_text="A Bangladesh mobile number as typed (01712345678, +880 1712-345678, Bengali digits); stored in "
        "E.164: +8801712345678."
    )
    trade_licence_number = _text()
    trade_licence_authority = _text()
    trade_licence_expires_on = serializers.DateField(required=False, allow_null=True)
    etin = _text(help_text="12 digits.")
    bin = _text(help_text="13 digits.")
    erc_number = _text(help_text="Given with erc_expires_on, or both empty.")
    erc_expires_on = serializers.DateField(required=False, allow_null=True)
    owner_name = _text()
    owner_nid = _text(write_only=True, help_text="10, 13 or 17 digits. Write-only: read back as owner_nid_last4.")
    bank_name = _text()
    bank_branch = _text()
    bank_routing_number = _text(help_text="9 digits.")
    bank_account_number = _text(
        write_only=True, help_text="6 to 20 digits. Write-only: read back as bank_account_number_last4."
    )
    bank_account_name = _text(help_text="As the bank writes it: the business's or the owner's name.")


class SellerCreateSerializer(SellerProfileSerializer):
    owner_email = serializers.EmailField(
        max_length=254, help_text="The owner's address: the claim e-mail (Bengali and English) goes there."
    )
    legal_name = serializers.CharField(max_length=200, trim_whitespace=False)
    language = serializers.ChoiceField(
        choices=["en", "bn"], required=False, help_text="The owner's language on the dashboard, once claimed."
    )


class SellerListQuery(ListQuery):
    status = serializers.ChoiceField(choices=SELLER_CHOICES["status"], required=False)
    created_since = serializers.DateTimeField(required=False)
    q = serializers.CharField(max_length=200, required=False, help_text="Search the legal and trade names.")


class RequirementReasonSerializer(serializers.Serializer):
    target = serializers.CharField()
    code = serializers.CharField()
    message = serializers.CharField()


class RequirementItemSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    status = serializers.ChoiceField(choices=REQUIREMENT_STATUS)
    needed = serializers.BooleanField(help_text="Whether it blocks the submission while not done.")
    missing = serializers.ListField(child=serializers.CharField())
    problems = serializers.ListField(child=serializers.CharField())
    refused = RequirementReasonSerializer(many=True, help_text="The reviewer's reasons, when refused.")
    expires_on = serializers.DateField(allow_null=True)


class RequirementsSerializer(serializers.Serializer):
    complete = serializers.BooleanField(help_text="Whether the seller can be submitted for review.")
    currently_due = serializers.ListField(child=serializers.CharField(), help_text="The keys that block submission.")
    items = RequirementItemSerializer(many=True)


class DocumentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    object = constant("document")
    kind = serializers.ChoiceField(choices=SELLER_CHOICES["document_kind"])
    file_name = serializers.CharField()
    content_type = serializers.ChoiceField(choices=DOCUMENT_CONTENT_TYPE)
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()


class DocumentUploadSerializer(Strict):
    kind = serializers.ChoiceField(choices=SELLER_CHOICES["document_kind"])
    file = serializers.FileField(
        allow_empty_file=True, max_length=200, help_text="PDF, JPEG or PNG (by content), at most 5 MB."
    )


def _nullable(field_class, **kwargs):
    return field_class(allow_null=True, **kwargs)


class SellerSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    object = constant("seller")
    status = serializers.ChoiceField(choices=SELLER_CHOICES["status"])
    legal_name = serializers.CharField()
    trade_name = serializers.CharField()
    business_type = serializers.ChoiceField(choices=["", *SELLER_CHOICES["business_type"]])
    year_established = _nullable(serializers.IntegerField)
    employees = _nullable(serializers.IntegerField)
    export_turnover = serializers.ChoiceField(choices=["", *SELLER_CHOICES["export_turnover"]])
    website = serializers.CharField()
    address = serializers.CharField()
    postcode = serializers.CharField()
    division = serializers.ChoiceField(choices=["", *SELLER_CHOICES["division"]])
    district = serializers.ChoiceField(choices=["", *SELLER_CHOICES["district"]])
    contact_phone = serializers.CharField()
    trade_licence_number = serializers.CharField()
    trade_licence_authority = serializers.CharField()
    trade_licence_expires_on = _nullable(serializers.DateField)
    etin = serializers.CharField()
    bin = serializers.CharField()
    erc_number = serializers.CharField()
    erc_expires_on = _nullable(serializers.DateField)
    owner_name = serializers.CharField()
    bank_name = serializers.CharField()
    bank_branch = serializers.CharField()
    bank_routing_number = serializers.CharField()
    bank_account_name = serializers.CharField()
    categories = serializers.ListField(child=serializers.CharField())
    owner_nid_last4 = _nullable(serializers.CharField)
    bank_account_number_last4 = _nullable(serializers.CharField)
    owner_email = _nullable(serializers.EmailField)
    owner_claimed = serializers.BooleanField(help_text="Whether the owner set a password (took the account over).")
    access = serializers.ListField(
        child=serializers.ChoiceField(choices=[s.value for s in SELLER_SCOPES]),
        help_text="The scopes the seller gives your organisation.",
    )
    submitted_at = _nullable(serializers.DateTimeField)
    decided_at = _nullable(serializers.DateTimeField)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class SellerDetailSerializer(SellerSerializer):
    requirements = RequirementsSerializer()
    documents = DocumentSerializer(many=True)


class SectorSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class EmptySerializer(Strict):
    """No body (or an empty JSON object)."""


# Catalog --------------------------------------------------------------------------------------------------------------


class PriceTierSerializer(Strict):
    start_quantity = serializers.IntegerField(min_value=1, max_value=99_999)
    price = serializers.DecimalField(max_digits=9, decimal_places=2, min_value=0, help_text="US dollars, FOB.")


class AttributeValueInputSerializer(Strict):
    attribute_id = serializers.IntegerField(min_value=0, max_value=2**62)
    value_id = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=2**62)
    value_name = serializers.CharField(required=False, allow_blank=True, max_length=128)


class LeadTimeSerializer(Strict):
    quantity = serializers.IntegerField(min_value=1, max_value=99_999_999)
    days = serializers.IntegerField(min_value=1, max_value=365)


class ProductFieldsSerializer(Strict):
    """The product fields a partner writes; a draft may be incomplete (``catalog.rules`` says what publishing
    still needs: GET …/quality/)."""

    sku = serializers.CharField(max_length=64, required=False)
    title = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, trim_whitespace=False)
    title_bn = _text()
    description = _text(max_length=LONG_TEXT_MAX)
    category = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=2**62, help_text="A leaf category's id."
    )
    keywords = serializers.ListField(child=serializers.CharField(max_length=200), required=False, max_length=20)
    hs_code = _text(max_length=40)
    min_order_quantity = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=99_999_999)
    unit = _choice(PRODUCT_CHOICES["unit"])
    supply_quantity = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=99_999_999)
    supply_period = _choice(PRODUCT_CHOICES["supply_period"])
    lead_times = LeadTimeSerializer(many=True, required=False, max_length=10)  # type: ignore[call-arg]
    port = _choice(PRODUCT_CHOICES["port"])
    payment_terms = serializers.ListField(
        child=serializers.ChoiceField(choices=PRODUCT_CHOICES["payment_terms"]), required=False, max_length=10
    )
    packaging = _text(max_length=10_000)
    certifications = serializers.ListField(child=serializers.CharField(max_length=200), required=False, max_length=20)
    sample_policy = _choice(PRODUCT_CHOICES["sample_policy"])
    price_tiers = PriceTierSerializer(many=True, required=False, max_length=10)  # type: ignore[call-arg]
    attributes = AttributeValueInputSerializer(many=True, required=False, max_length=100)  # type: ignore[call-arg]


class ProductCreateSerializer(ProductFieldsSerializer):
    seller = serializers.UUIDField(help_text="The seller the product belongs to.")
    sku = serializers.CharField(max_length=64)
    title = serializers.CharField(max_length=TEXT_MAX, trim_whitespace=False)


class ProductListQuery(ListQuery):
    seller = serializers.UUIDField(required=False)
    status = serializers.ChoiceField(choices=PRODUCT_CHOICES["status"], required=False)
    category = serializers.IntegerField(required=False, min_value=0, max_value=2**62)
    updated_since = serializers.DateTimeField(required=False)
    q = serializers.CharField(max_length=200, required=False, help_text="Search the titles and the SKU.")


class BulkItemSerializer(ProductFieldsSerializer):
    id = serializers.UUIDField(required=False, help_text="An existing product to change; without it, a new one.")
    seller = serializers.UUIDField(required=False, help_text="Required for a new product.")


class BulkSerializer(Strict):
    items = serializers.ListField(child=serializers.DictField(), min_length=1, max_length=100)


class ProblemSerializer(serializers.Serializer):
    field = serializers.CharField()
    code = serializers.CharField()
    blocking = serializers.BooleanField(help_text="Whether Alibaba.com would refuse the listing because of it.")
    message = serializers.CharField()
    fix = serializers.CharField()


class QualitySerializer(serializers.Serializer):
    object = constant("quality_check")
    score = serializers.IntegerField(min_value=0, max_value=100)
    can_publish = serializers.BooleanField()
    problems = ProblemSerializer(many=True)


class CategoryRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PriceTierOutSerializer(serializers.Serializer):
    start_quantity = serializers.IntegerField()
    price = serializers.CharField(help_text="US dollars, two decimals.")


class AttributeValueSerializer(serializers.Serializer):
    attribute_id = serializers.IntegerField()
    value_id = _nullable(serializers.IntegerField)
    value_name = serializers.CharField()


class ImageSerializer(serializers.Serializer):
    sha256 = serializers.CharField()
    position = serializers.IntegerField(help_text="0 is the main image.")
    content_type = serializers.ChoiceField(choices=["image/jpeg", "image/png"])
    width = _nullable(serializers.IntegerField)
    height = _nullable(serializers.IntegerField)
    size_bytes = _nullable(serializers.IntegerField)
    photobank_url = _nullable(serializers.URLField, help_text="Once uploaded to Alibaba.com.")


class LeadTimeOutSerializer(serializers.Serializer):
    quantity = serializers.IntegerField()
    days = serializers.IntegerField()


class SyncSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=["not_sent", "sending", "in_step", "behind", "failed"])
    gateway_product_id = _nullable(serializers.IntegerField, help_text="Alibaba.com's product id.")
    synced_version = _nullable(serializers.IntegerField, help_text="The version Alibaba.com holds.")


class ProductSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    object = constant("product")
    seller = serializers.UUIDField()
    sku = serializers.CharField()
    status = serializers.ChoiceField(choices=PRODUCT_CHOICES["status"])
    status_reason = serializers.CharField(help_text="Why it was rejected, blocked or failed to sync.")
    title = serializers.CharField()
    title_bn = serializers.CharField()
    description = serializers.CharField()
    category = CategoryRefSerializer(allow_null=True)
    keywords = serializers.ListField(child=serializers.CharField())
    hs_code = serializers.CharField()
    min_order_quantity = _nullable(serializers.IntegerField)
    unit = serializers.ChoiceField(choices=["", *PRODUCT_CHOICES["unit"]])
    supply_quantity = _nullable(serializers.IntegerField)
    supply_period = serializers.ChoiceField(choices=["", *PRODUCT_CHOICES["supply_period"]])
    lead_times = LeadTimeOutSerializer(many=True)
    port = serializers.ChoiceField(choices=["", *PRODUCT_CHOICES["port"]])
    payment_terms = serializers.ListField(child=serializers.CharField())
    packaging = serializers.CharField()
    certifications = serializers.ListField(child=serializers.CharField())
    sample_policy = serializers.ChoiceField(choices=["", *PRODUCT_CHOICES["sample_policy"]])
    price_tiers = PriceTierOutSerializer(many=True)
    attributes = AttributeValueSerializer(many=True)
    images = ImageSerializer(many=True)
    version = serializers.IntegerField(help_text="Counts the edits.")
    sync = SyncSerializer()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class BulkResultSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    status = serializers.ChoiceField(choices=BULK_STATUS)
    product = ProductSerializer(allow_null=True)
    error = ErrorBodySerializer(allow_null=True)


class BulkResponseSerializer(serializers.Serializer):
    object = constant("bulk_result")
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    failed = serializers.IntegerField()
    results = BulkResultSerializer(many=True)


class ImageUploadSerializer(Strict):
    file = serializers.FileField(allow_empty_file=True, max_length=200, help_text="JPEG or PNG, at most 3 MB.")


class CategoryAttributeValueSerializer(serializers.Serializer):
    value_id = serializers.IntegerField()
    name = serializers.CharField()


class CategoryAttributeSerializer(serializers.Serializer):
    attribute_id = serializers.IntegerField()
    name = serializers.CharField()
    required = serializers.BooleanField()  # type: ignore[assignment]
    input_type = serializers.ChoiceField(choices=["single_select", "multi_select", "input"])
    values = CategoryAttributeValueSerializer(many=True)


class CategorySerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Alibaba.com's category id.")
    object = constant("category")
    name = serializers.CharField()
    parent = CategoryRefSerializer(allow_null=True)
    level = serializers.IntegerField()
    is_leaf = serializers.BooleanField()
    attributes = CategoryAttributeSerializer(many=True)


class CategoryListQuery(ListQuery):
    q = serializers.CharField(max_length=200, required=False)


class SyncAttemptSerializer(serializers.Serializer):
    object = constant("sync_attempt")
    kind = serializers.ChoiceField(choices=SYNC_KIND)
    version = serializers.IntegerField()
    outcome = serializers.CharField()
    error_code = serializers.CharField()
    message = serializers.CharField()
    started_at = serializers.DateTimeField()
    finished_at = _nullable(serializers.DateTimeField)
    duration_ms = _nullable(serializers.IntegerField)


class SyncHistorySerializer(serializers.Serializer):
    object = constant("sync_history")
    product = serializers.UUIDField()
    sync = SyncSerializer()
    status = serializers.ChoiceField(choices=PRODUCT_CHOICES["status"])
    status_reason = serializers.CharField()
    attempts = SyncAttemptSerializer(many=True)


# Inquiries ------------------------------------------------------------------------------------------------------------


class InquiryListQuery(ListQuery):
    seller = serializers.UUIDField(required=False)
    status = serializers.ChoiceField(choices=INQUIRY_STATUS, required=False)
    product = serializers.UUIDField(required=False, help_text="A product's id: the inquiries about it.")
    received_since = serializers.DateTimeField(required=False, help_text="Received from the buyer at or after.")
    updated_since = serializers.DateTimeField(
        required=False, help_text="Changed at or after (a new message, a new status)."
    )
    waiting = serializers.BooleanField(
        required=False,
        allow_null=True,
        help_text="true: only those waiting for the seller's answer; false: only those that are not.",
    )
    q = serializers.CharField(
        max_length=200, required=False, help_text="Search the subjects and the buyers' names and companies."
    )


class ReplySerializer(Strict):
    content = StringField(
        max_length=REPLY_MAX_LENGTH, help_text=f"The message to the buyer (at most {REPLY_MAX_LENGTH} characters)."
    )


class QuoteSerializer(ReplySerializer):
    """A quotation: the message and the export terms Alibaba.com keeps beside it. The rules (a port of loading for
    every term but EXW and FCA, a destination for C and D terms, a validity of at most 180 days) are the buyers
    domain's, the same as on the seller's dashboard."""

    price = serializers.DecimalField(
        max_digits=9,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=9_999_999,
        help_text="Per unit, US dollars.",
    )
    quantity = serializers.IntegerField(min_value=1, max_value=99_999_999)
    unit = serializers.ChoiceField(choices=PRODUCT_CHOICES["unit"])
    incoterm = serializers.ChoiceField(choices=INCOTERM, help_text="Incoterms 2020.")
    port_of_loading = StringField(
        max_length=128, required=False, allow_blank=True, help_text="Needed for every term but EXW and FCA."
    )
    destination = StringField(
        max_length=128, required=False, allow_blank=True, help_text="The port or place; needed for C and D terms."
    )
    lead_time_days = serializers.IntegerField(min_value=1, max_value=365)
    payment_terms = serializers.ListField(
        child=serializers.ChoiceField(choices=PRODUCT_CHOICES["payment_terms"]), min_length=1, max_length=10
    )
    valid_until = serializers.DateField(
        required=False, allow_null=True, help_text="From today to 180 days ahead; empty: 30 days from sending."
    )
    sample_terms = StringField(max_length=1000, required=False, allow_blank=True)


class InquiryBuyerSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    company = serializers.CharField()
    country = serializers.CharField(help_text="ISO 3166-1 alpha-2, or empty when unknown.")


class InquiryProductSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    sku = serializers.CharField()
    title = serializers.CharField()


class InquiryListingSerializer(serializers.Serializer):
    gateway_product_id = _nullable(serializers.IntegerField, help_text="Alibaba.com's product id.")
    custom_code = serializers.CharField(help_text="The listing's id on Alibaba.com (our product's id, when ours).")


class QuotationSerializer(serializers.Serializer):
    price = serializers.CharField(help_text="Per unit, US dollars, two decimals.")
    currency = serializers.ChoiceField(choices=["USD"])
    quantity = serializers.IntegerField()
    unit = serializers.CharField()
    incoterm = serializers.ChoiceField(choices=INCOTERM)
    port_of_loading = serializers.CharField()
    destination = serializers.CharField()
    lead_time_days = serializers.IntegerField()
    payment_terms = serializers.ListField(child=serializers.CharField())
    valid_until = _nullable(serializers.DateField, help_text="null: 30 days from when Alibaba.com received it.")
    sample_terms = serializers.CharField()


class InquiryAttachmentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    object = constant("inquiry_attachment")
    file_name = serializers.CharField(help_text="As the buyer named it.")
    status = serializers.ChoiceField(choices=ATTACHMENT_STATUS)
    problem = serializers.CharField(help_text="Why it was refused or could not be fetched.")
    content_type = _nullable(serializers.ChoiceField, choices=DOCUMENT_CONTENT_TYPE, help_text="Once stored.")
    size = _nullable(serializers.IntegerField, help_text="Bytes, once stored.")
    sha256 = _nullable(serializers.CharField)
    download_url = _nullable(serializers.CharField, help_text="Where to download it, once stored.")


class MessageSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    object = constant("message")
    inquiry = serializers.UUIDField()
    sender = serializers.ChoiceField(choices=INQUIRY_CHOICES["sender"])
    is_opening = serializers.BooleanField(help_text="The buyer's first message, which opened the inquiry.")
    content = serializers.CharField()
    author = _nullable(serializers.CharField, help_text="Who wrote a seller's message on dxports.")
    delivery = _nullable(
        serializers.ChoiceField,
        choices=MESSAGE_DELIVERY,
        help_text="A seller's message: sending (on its way), sent (the buyer has it) or failed; null for a buyer's.",
    )
    failure_reason = serializers.CharField(help_text="Why it failed, when it did.")
    sent_at = _nullable(serializers.DateTimeField)
    created_at = serializers.DateTimeField()
    quotation = QuotationSerializer(allow_null=True, help_text="The export terms, when the message is a quotation.")
    attachments = InquiryAttachmentSerializer(many=True)


class InquirySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    object = constant("inquiry")
    seller = serializers.UUIDField()
    status = serializers.ChoiceField(choices=INQUIRY_STATUS)
    subject = serializers.CharField()
    quantity = _nullable(serializers.IntegerField)
    quantity_unit = serializers.CharField()
    buyer = InquiryBuyerSerializer()
    product = InquiryProductSerializer(allow_null=True, help_text="Ours, when we hold the product it is about.")
    listing = InquiryListingSerializer()
    unread = serializers.BooleanField(help_text="Whether the seller has not read the latest buyer's message.")
    awaiting_reply_since = _nullable(
        serializers.DateTimeField, help_text="Set while the buyer waits for the seller's answer."
    )
    received_at = serializers.DateTimeField()
    last_message_at = serializers.DateTimeField()
    first_response_at = _nullable(serializers.DateTimeField)
    response_seconds = _nullable(serializers.IntegerField, help_text="Time to the first answer.")
    response_working_seconds = _nullable(
        serializers.IntegerField, help_text="Time to the first answer in the seller's working hours."
    )
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class InquiryDetailSerializer(InquirySerializer):
    messages = MessageSerializer(many=True, help_text="The thread, both ways, oldest first.")


# Events and webhooks --------------------------------------------------------------------------------------------------


class EventSubjectSerializer(serializers.Serializer):
    object = serializers.CharField(help_text="seller, product, inquiry…")
    id = serializers.UUIDField()


class EventSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    object = constant("event")
    type = serializers.ChoiceField(choices=list(EVENT_TYPES))
    created_at = serializers.DateTimeField()
    seller = _nullable(serializers.UUIDField)
    subject = EventSubjectSerializer()
    data = serializers.DictField(  # type: ignore[assignment]
        help_text="status, previous_status, reason… depending on the type."
    )


class EventListQuery(ListQuery):
    type = serializers.CharField(
        max_length=64, required=False, help_text="A type (product.live) or a prefix ending in a dot (product.)."
    )
    seller = serializers.UUIDField(required=False)
    created_since = serializers.DateTimeField(required=False)


class EndpointSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    object = constant("webhook_endpoint")
    url = serializers.URLField()
    description = serializers.CharField()
    events = serializers.ListField(child=serializers.CharField())
    status = serializers.ChoiceField(choices=ENDPOINT_STATUS)
    disabled_reason = serializers.CharField()
    secret_rotation_ends_at = _nullable(
        serializers.DateTimeField, help_text="Until then deliveries are signed with the previous secret too."
    )
    last_success_at = _nullable(serializers.DateTimeField)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class EndpointWithSecretSerializer(EndpointSerializer):
    secret = serializers.CharField(help_text="The signing secret, shown only now.")


class EndpointCreateSerializer(Strict):
    url = serializers.CharField(max_length=2000, help_text="A public https URL.")
    events = serializers.ListField(
        child=serializers.CharField(max_length=64), min_length=1, max_length=50, help_text="Event types, or * for all."
    )
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)


class EndpointUpdateSerializer(Strict):
    url = serializers.CharField(max_length=2000, required=False)
    events = serializers.ListField(
        child=serializers.CharField(max_length=64), min_length=1, max_length=50, required=False
    )
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    enabled = serializers.BooleanField(required=False, help_text="Enable again after it was disabled, or pause it.")


class RotateSecretSerializer(Strict):
    expires_in_hours = serializers.IntegerField(
        min_value=0, max_value=168, default=24, required=False, help_text="How long the old secret keeps signing."
    )


class DeliveryAttemptSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=["succeeded", "http_error", "network_error", "refused"])
    status_code = _nullable(serializers.IntegerField)
    error = serializers.CharField()
    response_excerpt = serializers.CharField()
    duration_ms = serializers.IntegerField()
    started_at = serializers.DateTimeField()


class DeliveryEventSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    type = serializers.CharField()


class DeliverySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    object = constant("webhook_delivery")
    endpoint = serializers.UUIDField()
    event = DeliveryEventSerializer()
    status = serializers.ChoiceField(choices=DELIVERY_STATUS)
    attempts = serializers.IntegerField()
    next_attempt_at = _nullable(serializers.DateTimeField)
    last_status_code = _nullable(serializers.IntegerField)
    last_error = serializers.CharField()
    delivered_at = _nullable(serializers.DateTimeField)
    created_at = serializers.DateTimeField()


class DeliveryDetailSerializer(DeliverySerializer):
    attempt_log = DeliveryAttemptSerializer(many=True)


class DeliveryListQuery(ListQuery):
    status = serializers.ChoiceField(choices=DELIVERY_STATUS, required=False)
    event = serializers.UUIDField(required=False)


class ApiKeySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    object = constant("api_key")
    prefix = serializers.CharField(help_text="dxp_<mode>_<key id>: recognisable, not secret.")
    name = serializers.CharField()
    mode = serializers.ChoiceField(choices=["live", "test"])
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=Scope.values))
    expires_at = _nullable(serializers.DateTimeField)
    last_used_at = _nullable(serializers.DateTimeField)
    created_at = serializers.DateTimeField()


class PartnerSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    object = constant("partner")
    name = serializers.CharField()
    api_key = ApiKeySerializer()
