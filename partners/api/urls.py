"""/api/v1/ — the partner API. Anything else under it is a 404 in the API's error format."""

from django.urls import path, re_path

from partners.api.views import events, products, sellers
from partners.api.views.errors import not_found

urlpatterns = [
    path("me/", events.MeView.as_view(), name="me"),
    path("sectors/", sellers.SectorsView.as_view(), name="sectors"),
    path("sellers/", sellers.SellersView.as_view(), name="sellers"),
    path("sellers/<uuid:seller_id>/", sellers.SellerView.as_view(), name="seller"),
    path("sellers/<uuid:seller_id>/documents/", sellers.SellerDocumentsView.as_view(), name="seller-documents"),
    path("sellers/<uuid:seller_id>/submit/", sellers.SellerSubmitView.as_view(), name="seller-submit"),
    path("sellers/<uuid:seller_id>/claim_email/", sellers.SellerClaimEmailView.as_view(), name="seller-claim"),
    path("categories/", products.CategoriesView.as_view(), name="categories"),
    path("categories/<int:category_id>/", products.CategoryView.as_view(), name="category"),
    path("products/", products.ProductsView.as_view(), name="products"),
    path("products/bulk/", products.ProductsBulkView.as_view(), name="products-bulk"),
    path("products/<uuid:product_id>/", products.ProductView.as_view(), name="product"),
    path("products/<uuid:product_id>/publish/", products.ProductPublishView.as_view(), name="product-publish"),
    path("products/<uuid:product_id>/delist/", products.ProductDelistView.as_view(), name="product-delist"),
    path("products/<uuid:product_id>/retry_sync/", products.ProductRetrySyncView.as_view(), name="product-retry"),
    path("products/<uuid:product_id>/quality/", products.ProductQualityView.as_view(), name="product-quality"),
    path("products/<uuid:product_id>/sync/", products.ProductSyncView.as_view(), name="product-sync"),
    path("products/<uuid:product_id>/images/", products.ProductImagesView.as_view(), name="product-images"),
    path(
        "products/<uuid:product_id>/images/<str:sha256>/",
        products.ProductImageView.as_view(),
        name="product-image",
    ),
    path("events/", events.EventsView.as_view(), name="events"),
    path("events/<uuid:event_id>/", events.EventView.as_view(), name="event"),
    path("webhook_endpoints/", events.EndpointsView.as_view(), name="endpoints"),
    path("webhook_endpoints/<uuid:endpoint_id>/", events.EndpointView.as_view(), name="endpoint"),
    path(
        "webhook_endpoints/<uuid:endpoint_id>/rotate_secret/",
        events.EndpointRotateSecretView.as_view(),
        name="endpoint-rotate",
    ),
    path("webhook_endpoints/<uuid:endpoint_id>/deliveries/", events.DeliveriesView.as_view(), name="deliveries"),
    path("webhook_deliveries/<uuid:delivery_id>/", events.DeliveryView.as_view(), name="delivery"),
    path("webhook_deliveries/<uuid:delivery_id>/redeliver/", events.RedeliverView.as_view(), name="delivery-redeliver"),
    re_path(r"", not_found),
]
