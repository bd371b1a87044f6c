"""Catalog: categories with their attributes; products — list, create, retrieve, update, delete a draft, publish,
delist, send the sync again, the quality check (as it is, or as a dry run of changes), the sync state and history,
images, and bulk create/update."""

from __future__ import annotations

from uuid import UUID

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema_view
from rest_framework import serializers as drf_serializers
from rest_framework.request import Request
from rest_framework.response import Response

from catalog import selectors as catalog_selectors
from catalog import services as catalog_services
from catalog.selectors import Product
from dxports.errors import ApplicationError
from partners import objects
from partners.api import serializers as s
from partners.api.base import PartnerView
from partners.api.errors import ApiError, exception_handler
from partners.api.schema import operation
from partners.models import Scope
from sellers import selectors as sellers_selectors

TAG = ["Catalog"]
PRODUCT_ID = OpenApiParameter("product_id", type=str, location=OpenApiParameter.PATH)


# Categories -----------------------------------------------------------------------------------------------------------


class CategoriesView(PartnerView):
    scopes = {"GET": Scope.CATALOG_READ}

    @operation(
        operation_id="list_categories",
        summary="List the leaf categories",
        description="The categories a product may use (Alibaba.com's tree, leaves only), with their attributes.",
        parameters=[s.CategoryListQuery],
        responses={200: s.list_of(s.CategorySerializer, "CategoryList")},
        errors=(400,),
        tags=TAG,
    )
    def get(self, request):
        return self.list_page(
            s.CategoryListQuery,
            salt="categories",
            kind="id",
            rows_after=lambda query, after, limit: catalog_selectors.categories_for_api(
                search=query.get("q", ""), after=after, limit=limit
            ),
            objects_of=lambda rows: [objects.category_object(category) for category in rows],
            position_of=lambda c: c.category_id,
        )


class CategoryView(PartnerView):
    scopes = {"GET": Scope.CATALOG_READ}

    @operation(
        operation_id="retrieve_category",
        summary="Retrieve a category",
        responses={200: s.CategorySerializer},
        errors=(404,),
        tags=TAG,
    )
    def get(self, request, category_id):
        category = catalog_selectors.category_by_gateway_id(category_id=category_id)
        if category is None:
            raise Http404
        return Response(objects.category_object(category))


# Products -------------------------------------------------------------------------------------------------------------


def service_fields(data):
    """Validated product fields → the keyword arguments of ``product_create`` / ``product_update``."""
    fields = dict(data)
    fields.pop("seller", None)
    fields.pop("id", None)
    if "category" in fields and fields["category"] is not None:
        category = catalog_selectors.category_by_gateway_id(category_id=fields["category"])
        if category is None:
            raise ApiError(
                _("No category has the id %(id)s (GET /api/v1/categories/ lists them).") % {"id": fields["category"]},
                field="category",
                code="unknown_category",
            )
        fields["category"] = category
    if "price_tiers" in fields:
        fields["price_tiers"] = [(tier["start_quantity"], tier["price"]) for tier in fields["price_tiers"]]
    if "lead_times" in fields:
        fields["lead_times"] = [{"quantity": item["quantity"], "days": item["days"]} for item in fields["lead_times"]]
    if "attributes" in fields:
        fields["attributes"] = [dict(item) for item in fields["attributes"]]
    return fields


class ProductViewMixin(PartnerView):
    def product_or_404(self, product_id, scope):
        product = catalog_selectors.product_among(seller_ids=self.sellers_with(scope), public_id=product_id)
        if product is None:
            raise Http404
        return product

    def seller_or_404(self, seller_id, scope):
        seller = sellers_selectors.seller_among(ids=self.sellers_with(scope), public_id=seller_id)
        if seller is None:
            raise ApiError(
                _("No seller %(id)s among those that gave your organisation %(scope)s.")
                % {"id": seller_id, "scope": scope},
                status=404,
                field="seller",
                code="seller_not_found",
            )
        return seller

    def product_data(self, product):
        return objects.product_object(catalog_selectors.product_row(product=product))


class ProductsView(ProductViewMixin):
    scopes = {"GET": Scope.CATALOG_READ, "POST": Scope.CATALOG_WRITE}

    @operation(
        operation_id="list_products",
        summary="List products",
        description=(
            "The products of the sellers that gave your organisation catalog:read, newest first, with their price "
            "tiers, attributes, images, category and sync state. Filter by seller, status, category and time of "
            "the last change; search titles and SKUs."
        ),
        parameters=[s.ProductListQuery],
        responses={200: s.list_of(s.ProductSerializer, "ProductList")},
        errors=(400,),
        tags=TAG,
    )
    def get(self, request):
        return self.list_page(
            s.ProductListQuery,
            salt="products",
            rows_after=self._rows,
            objects_of=lambda rows: [objects.product_object(row) for row in rows],
            position_of=lambda r: (r["created_at"], r["id"]),
        )

    def _rows(self, query, *, after, limit):
        products = catalog_selectors.products_among(
            seller_ids=self.sellers_with(Scope.CATALOG_READ),
            seller=query.get("seller"),
            status=query.get("status", ""),
            category_id=query.get("category"),
            updated_since=query.get("updated_since"),
            search=query.get("q", ""),
        )
        return catalog_selectors.product_rows(products, after=after, limit=limit)

    @operation(
        operation_id="create_product",
        summary="Create a product",
        description=(
            "A draft of the seller's (any seller status; publishing needs an active seller). A draft may be "
            "incomplete: GET …/quality/ says what publishing still needs."
        ),
        request=s.ProductCreateSerializer,
        responses={201: s.ProductSerializer},
        errors=(400, 404),
        tags=TAG,
    )
    def post(self, request):
        data = self.body(s.ProductCreateSerializer)
        seller = self.seller_or_404(data["seller"], Scope.CATALOG_WRITE)
        product = catalog_services.product_create(seller=seller, actor=self.actor, **service_fields(data))
        return Response(self.product_data(product), status=201)


class ProductView(ProductViewMixin):
    scopes = {"GET": Scope.CATALOG_READ, "PATCH": Scope.CATALOG_WRITE, "DELETE": Scope.CATALOG_WRITE}

    @operation(
        operation_id="retrieve_product",
        summary="Retrieve a product",
        responses={200: s.ProductSerializer},
        errors=(404,),
        tags=TAG,
    )
    def get(self, request, product_id):
        return Response(self.product_data(self.product_or_404(product_id, Scope.CATALOG_READ)))

    @operation(
        operation_id="update_product",
        summary="Update a product",
        description=(
            "Only the fields given change; `price_tiers` and `attributes` replace the whole list. A ready, "
            "rejected, failed or delisted product goes back to draft; a live one stays listed and the change is "
            "sent to Alibaba.com (refused with every blocking problem, 422, when it would make it incomplete)."
        ),
        request=s.ProductFieldsSerializer,
        responses={200: s.ProductSerializer},
        errors=(400, 404, 409, 422),
        tags=TAG,
    )
    def patch(self, request, product_id):
        product = self.product_or_404(product_id, Scope.CATALOG_WRITE)
        data = self.body(s.ProductFieldsSerializer)
        product = catalog_services.product_update(product=product, actor=self.actor, **service_fields(data))
        return Response(self.product_data(product))

    @operation(
        operation_id="delete_product",
        summary="Delete a draft",
        description="Only a product that never went to Alibaba.com (draft or ready); delist a listed one instead.",
        responses={204: None},
        errors=(404, 409),
        tags=TAG,
    )
    def delete(self, request, product_id):
        product = self.product_or_404(product_id, Scope.CATALOG_WRITE)
        catalog_services.product_delete(product=product, actor=self.actor)
        return Response(status=204)


class ProductActionView(ProductViewMixin):
    scopes = {"POST": Scope.CATALOG_WRITE}

    def act(self, product: Product) -> Product:
        raise NotImplementedError

    def post(self, request: Request, product_id: UUID) -> Response:
        product = self.product_or_404(product_id, Scope.CATALOG_WRITE)
        self.body(s.EmptySerializer)
        return Response(self.product_data(self.act(product)))


@extend_schema_view(
    post=operation(
        operation_id="publish_product",
        summary="Publish a product",
        description=(
            "Sends a draft, ready or failed product to Alibaba.com (publishing → under review → live or "
            "rejected; the product.live / product.rejected webhooks tell you). Refused with every blocking "
            "problem at once (422, listing_incomplete) and for a seller that is not active (409)."
        ),
        request=s.EmptySerializer,
        responses={200: s.ProductSerializer},
        errors=(404, 409, 422),
        tags=TAG,
    )
)
class ProductPublishView(ProductActionView):
    def act(self, product: Product) -> Product:
        return catalog_services.product_publish(product=product, actor=self.actor)


@extend_schema_view(
    post=operation(
        operation_id="delist_product",
        summary="Delist a product",
        description="Takes a live product off Alibaba.com (delisting → delisted: product.delisted).",
        request=s.EmptySerializer,
        responses={200: s.ProductSerializer},
        errors=(404, 409),
        tags=TAG,
    )
)
class ProductDelistView(ProductActionView):
    def act(self, product: Product) -> Product:
        return catalog_services.product_delist(product=product, actor=self.actor)


@extend_schema_view(
    post=operation(
        operation_id="retry_product_sync",
        summary="Send the sync again",
        description="A failed sync is sent again; one waiting out a backoff is sent now (409: nothing to retry).",
        request=s.EmptySerializer,
        responses={200: s.ProductSerializer},
        errors=(404, 409, 422),
        tags=TAG,
    )
)
class ProductRetrySyncView(ProductActionView):
    def act(self, product: Product) -> Product:
        return catalog_services.product_sync_retry(product=product, actor=self.actor)


def quality_data(score, problems):
    blocking = [problem for problem in problems if problem.blocking]
    return {
        "object": "quality_check",
        "score": score,
        "can_publish": not blocking,
        "problems": [objects.problem_object(problem) for problem in problems],
    }


class ProductQualityView(ProductViewMixin):
    scopes = {"GET": Scope.CATALOG_READ, "POST": Scope.CATALOG_READ}

    @operation(
        operation_id="check_product_quality",
        summary="Check a product's listing",
        description="Every problem (blocking ones first: Alibaba.com would refuse the listing) and the score.",
        responses={200: s.QualitySerializer},
        errors=(404,),
        tags=TAG,
    )
    def get(self, request, product_id):
        product = self.product_or_404(product_id, Scope.CATALOG_READ)
        return Response(quality_data(*catalog_selectors.product_quality(product=product)))

    @operation(
        operation_id="dry_run_product_quality",
        summary="Check changes before making them (dry run)",
        description="The quality check of the product as it would be with these changes; nothing is saved.",
        request=s.ProductFieldsSerializer,
        responses={200: s.QualitySerializer},
        errors=(400, 404),
        tags=TAG,
    )
    def post(self, request, product_id):
        product = self.product_or_404(product_id, Scope.CATALOG_READ)
        changes = service_fields(self.body(s.ProductFieldsSerializer))
        return Response(quality_data(*catalog_selectors.product_quality(product=product, changes=changes)))


class ProductSyncView(ProductViewMixin):
    scopes = {"GET": Scope.CATALOG_READ}

    @operation(
        operation_id="retrieve_product_sync",
        summary="The sync state and history",
        description="Where Alibaba.com is with the product, and every attempt to send it or take it off.",
        responses={200: s.SyncHistorySerializer},
        errors=(404,),
        tags=TAG,
    )
    def get(self, request, product_id):
        product = self.product_or_404(product_id, Scope.CATALOG_READ)
        row = objects.product_object(catalog_selectors.product_row(product=product))
        attempts = catalog_selectors.product_sync_history(product=product)[:100]
        return Response(
            {
                "object": "sync_history",
                "product": row["id"],
                "sync": row["sync"],
                "status": row["status"],
                "status_reason": row["status_reason"],
                "attempts": [objects.sync_attempt_object(attempt) for attempt in attempts],
            }
        )


class ProductImagesView(ProductViewMixin):
    scopes = {"POST": Scope.CATALOG_WRITE}

    @operation(
        operation_id="add_product_image",
        summary="Add an image",
        description="multipart/form-data with `file`: JPEG or PNG (by content), at most 3 MB; at most 6 per product.",
        request={"multipart/form-data": s.ImageUploadSerializer},
        responses={201: s.ProductSerializer},
        errors=(400, 404, 409),
        tags=TAG,
    )
    def post(self, request, product_id):
        product = self.product_or_404(product_id, Scope.CATALOG_WRITE)
        data = self.body(s.ImageUploadSerializer)
        catalog_services.product_image_add(product=product, actor=self.actor, uploaded=data["file"])
        return Response(self.product_data(product), status=201)


class ProductImageView(ProductViewMixin):
    scopes = {"DELETE": Scope.CATALOG_WRITE}

    @operation(
        operation_id="remove_product_image",
        summary="Remove an image",
        description="By its sha256; the images after it move up.",
        responses={200: s.ProductSerializer},
        errors=(404, 409),
        tags=TAG,
    )
    def delete(self, request, product_id, sha256):
        product = self.product_or_404(product_id, Scope.CATALOG_WRITE)
        image = catalog_selectors.product_image_of(product=product, sha256=sha256)
        if image is None:
            raise Http404
        catalog_services.product_image_remove(product=product, actor=self.actor, image=image)
        return Response(self.product_data(product))


class ProductsBulkView(ProductViewMixin):
    scopes = {"POST": Scope.CATALOG_WRITE}

    @operation(
        operation_id="bulk_save_products",
        summary="Create or update up to 100 products",
        description=(
            "`items`: product objects as for create (with `seller`) or, with `id`, the changes of an existing one "
            "as for update. Each item succeeds or fails alone; the answer has a result per item, in order, with "
            "the product or the error in the one error format."
        ),
        request=s.BulkSerializer,
        responses={200: s.BulkResponseSerializer},
        errors=(400,),
        tags=TAG,
    )
    def post(self, request):
        items = self.body(s.BulkSerializer)["items"]
        results = [self._one(index, item) for index, item in enumerate(items)]
        counts = {status: sum(1 for r in results if r["status"] == status) for status in ("created", "updated")}
        return Response(
            {
                "object": "bulk_result",
                **counts,
                "failed": sum(1 for result in results if result["status"] == "failed"),
                "results": results,
            }
        )

    def _one(self, index, item):
        try:
            with transaction.atomic():
                serializer = s.BulkItemSerializer(data=item)
                serializer.is_valid(raise_exception=True)
                data = serializer.validated_data
                if "id" in data:
                    product = self.product_or_404(data["id"], Scope.CATALOG_WRITE)
                    before = product.version
                    product = catalog_services.product_update(product=product, actor=self.actor, **service_fields(data))
                    status = "updated" if product.version != before else "unchanged"
                else:
                    if "seller" not in data or "sku" not in data or "title" not in data:
                        missing = next(name for name in ("seller", "sku", "title") if name not in data)
                        raise drf_serializers.ValidationError(
                            {missing: [_("A new product needs seller, sku and title.")]}
                        )
                    seller = self.seller_or_404(data["seller"], Scope.CATALOG_WRITE)
                    product = catalog_services.product_create(seller=seller, actor=self.actor, **service_fields(data))
                    status = "created"
        except (ApplicationError, drf_serializers.ValidationError, ApiError, Http404) as error:
            body = exception_handler(error, {"request": self.request}).data["error"]
            return {"index": index, "status": "failed", "product": None, "error": body}
        return {"index": index, "status": status, "product": self.product_data(product), "error": None}
