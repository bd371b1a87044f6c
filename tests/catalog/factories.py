import hashlib
from decimal import Decimal

import factory

from catalog.models import (
    Category,
    CategoryAttribute,
    InputType,
    Port,
    PriceTier,
    Product,
    ProductAttributeValue,
    ProductImage,
    SamplePolicy,
    SupplyPeriod,
    Unit,
)
from sellers.models import SellerStatus
from tests.sellers.factories import SellerFactory

JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 64

# The attributes of a leaf, as the gateway serves them (docs/gateway.md): two required selects, optional free text
# and an optional multi-select.
ORIGIN, BRAND, MATERIAL, CERTIFICATION = 1, 2, 3, 5
ATTRIBUTES = [
    (ORIGIN, "Place of Origin", True, InputType.SINGLE_SELECT, [(101, "Bangladesh"), (102, "India")]),
    (BRAND, "Brand Name", False, InputType.INPUT, []),
    (MATERIAL, "Material", True, InputType.SINGLE_SELECT, [(301, "Hessian Jute"), (302, "Jute-Cotton Blend")]),
    (CERTIFICATION, "Certification", False, InputType.MULTI_SELECT, [(501, "ISO 9001"), (502, "GOTS")]),
]


class CategoryFactory(factory.django.DjangoModelFactory):
    """A leaf category without attributes; ``LeafFactory`` adds the usual ones."""

    class Meta:
        model = Category

    category_id = factory.Sequence(lambda n: 90_000 + n)
    name = factory.Sequence(lambda n: f"Jute Shopping Bags {n}")
    level = 1
    is_leaf = True


class CategoryAttributeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CategoryAttribute

    category = factory.SubFactory(CategoryFactory)
    attribute_id = factory.Sequence(lambda n: 1000 + n)
    name = factory.Sequence(lambda n: f"Attribute {n}")
    is_required = False
    input_type = InputType.INPUT
    values = factory.LazyFunction(list)


class LeafFactory(CategoryFactory):
    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def attributes(self, create, extracted, **kwargs):
        if not create:
            return
        for position, (attribute_id, name, required, input_type, values) in enumerate(ATTRIBUTES):
            CategoryAttributeFactory(
                category=self,
                attribute_id=attribute_id,
                name=name,
                is_required=required,
                input_type=input_type,
                values=[{"value_id": value_id, "name": value_name} for value_id, value_name in values],
                position=position,
            )


class ProductFactory(factory.django.DjangoModelFactory):
    """A draft product of an active seller, with a title only."""

    class Meta:
        model = Product

    seller = factory.SubFactory(SellerFactory, status=SellerStatus.ACTIVE)
    sku = factory.Sequence(lambda n: f"JB-{n:04d}")
    title = factory.Sequence(lambda n: f"Jute bag {n}")


class PriceTierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceTier

    product = factory.SubFactory(ProductFactory)
    start_quantity = 500
    price = Decimal("2.50")


class ProductImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductImage

    product = factory.SubFactory(ProductFactory)
    file = factory.django.FileField(data=JPEG, filename="bag.jpg")
    content_type = "image/jpeg"
    sha256 = factory.Sequence(lambda n: hashlib.sha256(str(n).encode()).hexdigest())
    position = factory.Sequence(int)


def value_of(product, attribute_id, *, value_id=None, value_name=""):
    attribute = CategoryAttribute.objects.get(category=product.category, attribute_id=attribute_id)
    return ProductAttributeValue.objects.create(
        product=product, attribute=attribute, value_id=value_id, value_name=value_name
    )


COMPLETE_FIELDS = {
    "title": "Eco-friendly Hessian Jute Shopping Bag with Cotton Handles, Custom Print",
    "title_bn": "পরিবেশবান্ধব পাটের শপিং ব্যাগ",
    "description": (
        "Sturdy shopping bag of natural hessian jute, 38 x 42 x 15 cm, with padded cotton web handles and a "
        "laminated inner lining. Custom screen print on one or both sides, up to four colours. Packed 100 bags "
        "to a carton. Made in Khulna by a Fair Trade workshop."
    ),
    "keywords": ["jute bag", "tote bag", "eco bag"],
    "hs_code": "630510",
    "min_order_quantity": 500,
    "unit": Unit.PIECE,
    "supply_quantity": 50_000,
    "supply_period": SupplyPeriod.MONTH,
    "lead_times": [{"quantity": 1000, "days": 20}, {"quantity": 10_000, "days": 45}],
    "port": Port.CHATTOGRAM,
    "payment_terms": ["T/T", "L/C"],
    "packaging": "100 bags per export carton, 60 x 40 x 50 cm",
    "certifications": ["Fair Trade"],
    "sample_policy": SamplePolicy.PAID,
}


def complete_product(*, seller=None, status=None, images=3, **kwargs):
    """A product with nothing to improve (no problem at all: quality score 100), of an active seller unless
    ``seller`` is given, in ``status`` (draft by default)."""
    fields = {**COMPLETE_FIELDS, **kwargs}
    if seller is not None:
        fields["seller"] = seller
    if status is not None:
        fields["status"] = status
    product = ProductFactory(category=LeafFactory(), **fields)
    PriceTierFactory(product=product, start_quantity=500, price=Decimal("2.50"))
    PriceTierFactory(product=product, start_quantity=5000, price=Decimal("1.90"))
    ProductImageFactory.create_batch(images, product=product)
    value_of(product, ORIGIN, value_id=101)
    value_of(product, BRAND, value_name="Rupsha")
    value_of(product, MATERIAL, value_id=301)
    value_of(product, CERTIFICATION, value_id=501)
    return product
