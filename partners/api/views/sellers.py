"""Sellers: create one on its owner's behalf, list, retrieve with its requirements, change its profile, upload its
documents, submit it for review, send the owner a new claim link."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework.response import Response

from partners import objects, selectors, services
from partners.api import serializers as s
from partners.api.base import PartnerView
from partners.api.errors import ApiError
from partners.api.schema import operation
from partners.models import Scope
from sellers import selectors as sellers_selectors
from sellers import services as sellers_services

TAG = ["Sellers"]
SELLER_ID = OpenApiParameter("seller_id", type=str, location=OpenApiParameter.PATH, description="The seller's id.")


def profile_of(data):
    """The validated profile fields as ``seller_update_profile`` takes them (sector codes → sectors)."""
    profile = {name: value for name, value in data.items() if name in s.SellerProfileSerializer().fields}
    if "categories" in profile:
        codes = list(dict.fromkeys(profile["categories"]))
        known = sellers_selectors.sectors_by_code(codes=codes)
        unknown = [code for code in codes if code not in known]
        if unknown:
            raise ApiError(
                _("Unknown sector codes: %(codes)s (GET /api/v1/sectors/ lists them).") % {"codes": ", ".join(unknown)},
                field="categories",
                code="unknown_sector",
            )
        profile["categories"] = [known[code] for code in codes]
    return profile


class SellerViewMixin(PartnerView):
    def seller_or_404(self, seller_id, scope):
        seller = sellers_selectors.seller_among(ids=self.sellers_with(scope), public_id=seller_id)
        if seller is None:
            raise Http404
        return seller

    def seller_detail(self, seller):
        """The seller with its requirements and documents, read fresh."""
        seller = sellers_selectors.seller_among(ids=[seller.pk], public_id=seller.public_id)
        seller, checklist = sellers_selectors.seller_file(seller=seller)
        documents = sellers_selectors.current_documents(seller=seller)
        scopes = selectors.scopes_on_sellers(partner=self.partner, seller_ids=[seller.pk]).get(seller.pk, [])
        return objects.seller_object(seller, scopes=scopes, checklist=checklist, documents=documents)


class SellersView(SellerViewMixin):
    scopes = {"GET": Scope.SELLERS_READ, "POST": Scope.SELLERS_WRITE}

    @operation(
        operation_id="list_sellers",
        summary="List sellers",
        description="The sellers your organisation onboarded or that gave it access (sellers:read), newest first.",
        parameters=[s.SellerListQuery],
        responses={200: s.list_of(s.SellerSerializer, "SellerList")},
        errors=(400,),
        tags=TAG,
    )
    def get(self, request):
        return self.list_page(
            s.SellerListQuery,
            salt="sellers",
            rows_after=lambda query, after, limit: list(
                sellers_selectors.sellers_among(
                    ids=self.sellers_with(Scope.SELLERS_READ),
                    status=query.get("status", ""),
                    search=query.get("q", ""),
                    created_since=query.get("created_since"),
                    after=after,
                )[:limit]
            ),
            objects_of=self._objects,
            position_of=lambda x: (x.created_at, x.pk),
        )

    def _objects(self, sellers):
        scopes = selectors.scopes_on_sellers(partner=self.partner, seller_ids=[seller.pk for seller in sellers])
        return [objects.seller_object(seller, scopes=scopes.get(seller.pk, [])) for seller in sellers]

    @operation(
        operation_id="create_seller",
        summary="Create a seller on its owner's behalf",
        description=(
            "Registers the business with its owner's e-mail address, optionally with its profile filled in (the "
            "same rules as the seller's dashboard). The owner gets one e-mail, in Bengali and English, with a link "
            "to set a password and finish the onboarding. Your organisation gets every seller scope on it. An "
            "address that already has a dxports account is refused (owner_email, account_exists): ask its owner "
            "to give you access from their dashboard instead."
        ),
        request=s.SellerCreateSerializer,
        responses={201: s.SellerDetailSerializer},
        errors=(400,),
        tags=TAG,
    )
    def post(self, request):
        data = self.body(s.SellerCreateSerializer)
        seller = services.seller_create_for_partner(
            partner=self.partner,
            email=data["owner_email"],
            legal_name=data["legal_name"],
            language=data.get("language", ""),
            profile={name: value for name, value in profile_of(data).items() if name != "legal_name"},
        )
        return Response(self.seller_detail(seller), status=201)


class SellerView(SellerViewMixin):
    scopes = {"GET": Scope.SELLERS_READ, "PATCH": Scope.SELLERS_WRITE}

    @operation(
        operation_id="retrieve_seller",
        summary="Retrieve a seller",
        description="With its requirements (what is due, done, expiring, expired or refused, and why) and documents.",
        responses={200: s.SellerDetailSerializer},
        errors=(404,),
        tags=TAG,
    )
    def get(self, request, seller_id):
        return Response(self.seller_detail(self.seller_or_404(seller_id, Scope.SELLERS_READ)))

    @operation(
        operation_id="update_seller",
        summary="Update a seller's profile",
        description=(
            "Only the fields given change; an empty string or null clears a field. Refused with every problem at "
            "once (400, each field in error.details); 409 while the seller is under review or decided."
        ),
        request=s.SellerProfileSerializer,
        responses={200: s.SellerDetailSerializer},
        errors=(400, 404, 409),
        tags=TAG,
    )
    def patch(self, request, seller_id):
        seller = self.seller_or_404(seller_id, Scope.SELLERS_WRITE)
        data = self.body(s.SellerProfileSerializer)
        seller = sellers_services.seller_update_profile(seller=seller, actor=self.actor, data=profile_of(data))
        return Response(self.seller_detail(seller))


class SellerDocumentsView(SellerViewMixin):
    scopes = {"GET": Scope.SELLERS_READ, "POST": Scope.SELLERS_WRITE}

    @operation(
        operation_id="list_seller_documents",
        summary="List a seller's current documents",
        responses={200: s.DocumentSerializer(many=True)},
        errors=(404,),
        tags=TAG,
    )
    def get(self, request, seller_id):
        seller = self.seller_or_404(seller_id, Scope.SELLERS_READ)
        return Response([objects.document_object(d) for d in sellers_selectors.current_documents(seller=seller)])

    @operation(
        operation_id="upload_seller_document",
        summary="Upload a KYC document",
        description=(
            "multipart/form-data with `kind` and `file` (PDF, JPEG or PNG by content, at most 5 MB). Replaces the "
            "current document of that kind (the earlier one is kept in the seller's history)."
        ),
        request={"multipart/form-data": s.DocumentUploadSerializer},
        responses={201: s.DocumentSerializer},
        errors=(400, 404, 409),
        tags=TAG,
    )
    def post(self, request, seller_id):
        seller = self.seller_or_404(seller_id, Scope.SELLERS_WRITE)
        data = self.body(s.DocumentUploadSerializer)
        document = sellers_services.seller_document_upload(
            seller=seller, actor=self.actor, kind=data["kind"], uploaded=data["file"]
        )
        return Response(objects.document_object(document), status=201)


class SellerSubmitView(SellerViewMixin):
    scopes = {"POST": Scope.SELLERS_WRITE}

    @operation(
        operation_id="submit_seller",
        summary="Submit a seller for review",
        description="Refused with every requirement still due at once (422, submission_incomplete).",
        request=s.EmptySerializer,
        responses={200: s.SellerDetailSerializer},
        errors=(404, 409, 422),
        tags=TAG,
    )
    def post(self, request, seller_id):
        seller = self.seller_or_404(seller_id, Scope.SELLERS_WRITE)
        self.body(s.EmptySerializer)
        seller = sellers_services.seller_submit(seller=seller, actor=self.actor)
        return Response(self.seller_detail(seller))


class SellerClaimEmailView(SellerViewMixin):
    scopes = {"POST": Scope.SELLERS_WRITE}

    @operation(
        operation_id="resend_claim_email",
        summary="Send the owner a new claim link",
        description="While the owner has not set a password; earlier links stop working. 400 once claimed.",
        request=s.EmptySerializer,
        responses={200: s.SellerDetailSerializer},
        errors=(400, 404),
        tags=TAG,
    )
    def post(self, request, seller_id):
        seller = self.seller_or_404(seller_id, Scope.SELLERS_WRITE)
        self.body(s.EmptySerializer)
        sellers_services.seller_claim_resend(seller=seller, actor=self.actor, organisation=self.partner.name)
        return Response(self.seller_detail(seller))


class SectorsView(PartnerView):
    @operation(
        operation_id="list_sectors",
        summary="List the sectors",
        description="The program's main product categories, by code, for a seller's `categories`.",
        responses={200: s.SectorSerializer(many=True)},
        tags=TAG,
    )
    def get(self, request):
        return Response([{"code": sector.code, "name": str(sector.name)} for sector in sellers_selectors.sectors()])
