"""Inquiries: the buyers' inquiries to the sellers that gave your organisation access — list, retrieve with the
thread (both ways, with the sending state of the seller's messages and the export terms of quotations) and the
metadata of the buyers' files, download a stored file — and the answers: a reply or a quotation, through the same
services as the seller's dashboard, sent to Alibaba.com by the workers (the outbox), never from the request.

Reading an inquiry through the API changes nothing: it stays unread for the seller's own users."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.response import Response

from buyers import selectors as buyers_selectors
from buyers import services as buyers_services
from buyers.selectors import Inquiry
from dxports.storage import private_file_response
from partners import objects
from partners.api import serializers as s
from partners.api.base import PartnerView
from partners.api.schema import operation
from partners.models import Scope

TAG = ["Inquiries"]
INQUIRY_ID = OpenApiParameter(
    "inquiry_id", type=OpenApiTypes.UUID, location=OpenApiParameter.PATH, description="The inquiry's id."
)
ATTACHMENT_ID = OpenApiParameter(
    "attachment_id", type=OpenApiTypes.UUID, location=OpenApiParameter.PATH, description="The file's id."
)
FILE_TYPES = ("application/pdf", "image/jpeg", "image/png")


class InquiryViewMixin(PartnerView):
    def inquiry_or_404(self, inquiry_id, scope):
        inquiry = buyers_selectors.inquiry_among(seller_ids=self.sellers_with(scope), public_id=inquiry_id)
        if inquiry is None:
            raise Http404
        return inquiry

    def inquiry_detail(self, inquiry: Inquiry):
        """The inquiry with its thread, read fresh."""
        messages = [
            objects.message_object(message, inquiry_public_id=inquiry.public_id)
            for message in buyers_selectors.thread(inquiry=inquiry)
        ]
        return objects.inquiry_object(buyers_selectors.inquiry_row(inquiry=inquiry), messages=messages)


class InquiriesView(InquiryViewMixin):
    scopes = {"GET": Scope.INQUIRIES_READ}

    @operation(
        operation_id="list_inquiries",
        summary="List inquiries",
        description=(
            "The buyers' inquiries to the sellers that gave your organisation inquiries:read, latest received "
            "first, with the buyer and the product. Filter by seller, status, product, time received or changed, "
            "and whether the buyer waits for an answer; search the subjects and the buyers' names and companies. "
            "The thread is in the single inquiry."
        ),
        parameters=[s.InquiryListQuery],
        responses={200: s.list_of(s.InquirySerializer, "InquiryList")},
        errors=(400,),
        tags=TAG,
    )
    def get(self, request):
        return self.list_page(
            s.InquiryListQuery,
            salt="inquiries",
            rows_after=self._rows,
            objects_of=lambda rows: [objects.inquiry_object(row) for row in rows],
            position_of=lambda r: (r["received_at"], r["id"]),
        )

    def _rows(self, query, *, after, limit):
        inquiries = buyers_selectors.inquiries_among(
            seller_ids=self.sellers_with(Scope.INQUIRIES_READ),
            seller=query.get("seller"),
            status=query.get("status", ""),
            product=query.get("product"),
            received_since=query.get("received_since"),
            updated_since=query.get("updated_since"),
            waiting=query.get("waiting"),
            search=query.get("q", ""),
        )
        return buyers_selectors.inquiry_rows(inquiries, after=after, limit=limit)


class InquiryView(InquiryViewMixin):
    scopes = {"GET": Scope.INQUIRIES_READ}

    @operation(
        operation_id="retrieve_inquiry",
        summary="Retrieve an inquiry with its thread",
        description=(
            "The inquiry and every message both ways, oldest first: the seller's with their sending state "
            "(sending, sent, failed with the reason) and, for a quotation, its export terms; the buyer's with the "
            "metadata of their files (download a stored one at its download_url). Reading it changes nothing: it "
            "stays unread for the seller."
        ),
        parameters=[INQUIRY_ID],
        responses={200: s.InquiryDetailSerializer},
        errors=(404,),
        tags=TAG,
    )
    def get(self, request, inquiry_id):
        return Response(self.inquiry_detail(self.inquiry_or_404(inquiry_id, Scope.INQUIRIES_READ)))


class InquiryReplyView(InquiryViewMixin):
    scopes = {"POST": Scope.INQUIRIES_WRITE}

    @operation(
        operation_id="reply_to_inquiry",
        summary="Reply to an inquiry",
        description=(
            "The seller's answer, as on its dashboard: the message is `sending` until Alibaba.com has it (then "
            "`sent`), or `failed` with the reason; the inquiry.replied event follows the first answer. Refused "
            "while the seller is not in the program or the inquiry is reported as spam (409)."
        ),
        parameters=[INQUIRY_ID],
        request=s.ReplySerializer,
        responses={201: s.MessageSerializer},
        errors=(400, 404, 409),
        tags=TAG,
    )
    def post(self, request, inquiry_id):
        inquiry = self.inquiry_or_404(inquiry_id, Scope.INQUIRIES_WRITE)
        data = self.body(s.ReplySerializer)
        message = buyers_services.inquiry_reply(inquiry=inquiry, actor=self.actor, content=data["content"])
        return Response(objects.message_object(message, inquiry_public_id=inquiry.public_id), status=201)


class InquiryQuoteView(InquiryViewMixin):
    scopes = {"POST": Scope.INQUIRIES_WRITE}

    @operation(
        operation_id="quote_inquiry",
        summary="Send a quotation",
        description=(
            "A message with export terms (price per unit, quantity, Incoterm with its ports, lead time, payment "
            "terms, validity, samples), checked as Alibaba.com checks them and as on the seller's dashboard: every "
            "term but EXW and FCA needs a port of loading, C and D terms a destination. Sent like a reply; the "
            "inquiry becomes quoted (inquiry.quoted)."
        ),
        parameters=[INQUIRY_ID],
        request=s.QuoteSerializer,
        responses={201: s.MessageSerializer},
        errors=(400, 404, 409),
        tags=TAG,
    )
    def post(self, request, inquiry_id):
        inquiry = self.inquiry_or_404(inquiry_id, Scope.INQUIRIES_WRITE)
        data = dict(self.body(s.QuoteSerializer))
        content = data.pop("content")
        terms = buyers_services.quotation_terms(**data)
        message = buyers_services.inquiry_reply(inquiry=inquiry, actor=self.actor, content=content, quotation=terms)
        return Response(objects.message_object(message, inquiry_public_id=inquiry.public_id), status=201)


class InquiryAttachmentView(InquiryViewMixin):
    """A buyer's file, to partners that may read the inquiry: the same check as the seller's own download (stored
    files of the seller's inquiries only), served as an attachment that no browser runs."""

    scopes = {"GET": Scope.INQUIRIES_READ}

    def perform_content_negotiation(self, request, force=False):
        # The file answers whatever the client accepts; only an error is JSON.
        return super().perform_content_negotiation(request, force=True)

    @operation(
        operation_id="download_inquiry_attachment",
        summary="Download a buyer's file",
        description=(
            "A file the buyer attached, once fetched from Alibaba.com and checked by its content (PDF, JPEG or "
            "PNG): its status is stored. Any other file, or one of an inquiry you may not read, is 404."
        ),
        parameters=[INQUIRY_ID, ATTACHMENT_ID],
        responses={
            (200, content_type): OpenApiResponse(OpenApiTypes.BINARY, description="The file, as an attachment.")
            for content_type in FILE_TYPES
        },
        errors=(404,),
        tags=TAG,
    )
    def get(self, request, inquiry_id, attachment_id):
        inquiry = self.inquiry_or_404(inquiry_id, Scope.INQUIRIES_READ)
        found = buyers_selectors.attachment_for_seller(seller=inquiry.seller, public_id=attachment_id)
        if found is None or found.inquiry_id != inquiry.pk:
            raise Http404
        return private_file_response(
            found, content_type=found.content_type, filename=found.file_name, as_attachment=True, what="attachment"
        )
