"""The gateway's calls: api_path → (handler, who may call it).

``app``: signed with the app key, no access token (the program's supplier provisioning, the token calls).
``seller``: an access token is required; the handler acts for its supplier.
``public``: the catalog is the same for everyone, so a token is optional (checked when given).
"""

from . import auth, catalog, company, inquiries, products

APP, SELLER, PUBLIC = "app", "seller", "public"

ROUTES = {
    "/dexports/supplier/create": (auth.supplier_create, APP),
    "/auth/token/create": (auth.token_create, APP),
    "/auth/token/refresh": (auth.token_refresh, APP),
    "/alibaba/icbu/category/get": (catalog.category_get, PUBLIC),
    "/alibaba/icbu/category/attribute/get": (catalog.attribute_get, PUBLIC),
    "/alibaba/icbu/photobank/upload": (catalog.photobank_upload, SELLER),
    "/alibaba/icbu/product/add": (products.product_add, SELLER),
    "/alibaba/icbu/product/update": (products.product_update, SELLER),
    "/alibaba/icbu/product/get": (products.product_get, SELLER),
    "/alibaba/icbu/product/list": (products.product_list, SELLER),
    "/icbu/product/update/display": (products.display_update, SELLER),
    "/dexports/inquiry/list": (inquiries.inquiry_list, SELLER),
    "/dexports/inquiry/get": (inquiries.inquiry_get, SELLER),
    "/dexports/inquiry/reply": (inquiries.inquiry_reply, SELLER),
    "/dexports/inquiry/attachment/get": (inquiries.attachment_get, SELLER),
    "/dexports/company/certificate/upload": (company.certificate_upload, SELLER),
    "/dexports/company/profile/update": (company.profile_update, SELLER),
    "/dexports/company/profile/get": (company.profile_get, SELLER),
}
