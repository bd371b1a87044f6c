"""Events (what happened to the sellers and products your organisation may see) and webhooks: endpoints, their
deliveries and every attempt, redelivery, secret rotation."""

from __future__ import annotations

from datetime import timedelta

from django.http import Http404
from rest_framework.response import Response

from partners import objects, selectors, services
from partners.api import serializers as s
from partners.api.base import PartnerView
from partners.api.schema import operation
from partners.models import Scope
from sellers import selectors as sellers_selectors

EVENTS = ["Events"]
WEBHOOKS = ["Webhooks"]


def _event_objects(events):
    public_ids = sellers_selectors.seller_public_ids(ids={event.seller_id for event in events if event.seller_id})
    return [objects.event_object(event, seller_public_id=public_ids.get(event.seller_id)) for event in events]


class EventsView(PartnerView):
    @operation(
        operation_id="list_events",
        summary="List events",
        description=(
            "What happened to the sellers and products your organisation may see, newest first: seller.* events "
            "of sellers that gave it sellers:read (and the key holds it), product.* with catalog:read, inquiry.* "
            "with inquiries:read. The same objects as the webhooks send."
        ),
        parameters=[s.EventListQuery],
        responses={200: s.list_of(s.EventSerializer, "EventList")},
        errors=(400,),
        tags=EVENTS,
    )
    def get(self, request):
        return self.list_page(
            s.EventListQuery,
            salt="events",
            rows_after=lambda query, after, limit: self._rows(
                query, scopes=request.auth.scopes, after=after, limit=limit
            ),
            objects_of=_event_objects,
            position_of=lambda e: (e.created_at, e.pk),
        )

    def _rows(self, query, *, scopes, after, limit):
        seller_id = None
        if "seller" in query:
            seller_id = sellers_selectors.seller_ids_of(public_ids=[query["seller"]]).get(query["seller"], 0)
        return selectors.events_for_partner(
            partner=self.partner,
            scopes=scopes,
            type=query.get("type", ""),
            seller_id=seller_id,
            created_since=query.get("created_since"),
            after=after,
            limit=limit,
        )


class EventView(PartnerView):
    @operation(
        operation_id="retrieve_event",
        summary="Retrieve an event",
        responses={200: s.EventSerializer},
        errors=(404,),
        tags=EVENTS,
    )
    def get(self, request, event_id):
        event = selectors.event_for_partner(partner=self.partner, scopes=request.auth.scopes, public_id=event_id)
        if event is None:
            raise Http404
        return Response(_event_objects([event])[0])


class EndpointsView(PartnerView):
    scopes = {"GET": Scope.WEBHOOKS_MANAGE, "POST": Scope.WEBHOOKS_MANAGE}

    @operation(
        operation_id="list_webhook_endpoints",
        summary="List webhook endpoints",
        parameters=[s.ListQuery],
        responses={200: s.list_of(s.EndpointSerializer, "EndpointList")},
        errors=(400,),
        tags=WEBHOOKS,
    )
    def get(self, request):
        return self.list_page(
            s.ListQuery,
            salt="endpoints",
            rows_after=lambda query, after, limit: selectors.endpoints_for_partner(
                partner=self.partner, after=after, limit=limit
            ),
            objects_of=lambda rows: [objects.endpoint_object(endpoint) for endpoint in rows],
            position_of=lambda e: (e.created_at, e.pk),
        )

    @operation(
        operation_id="create_webhook_endpoint",
        summary="Register a webhook endpoint",
        description=(
            "A public https URL (checked now and before every delivery: never loopback or private addresses) and "
            "the event types it receives (or *). The answer holds the signing secret, shown only now."
        ),
        request=s.EndpointCreateSerializer,
        responses={201: s.EndpointWithSecretSerializer},
        errors=(400,),
        tags=WEBHOOKS,
    )
    def post(self, request):
        data = self.body(s.EndpointCreateSerializer)
        created = services.webhook_endpoint_create(
            partner=self.partner, url=data["url"], event_types=data["events"], description=data.get("description", "")
        )
        return Response(objects.endpoint_object(created.endpoint, secret=created.secret), status=201)


class EndpointMixin(PartnerView):
    def endpoint_or_404(self, endpoint_id):
        endpoint = selectors.endpoint_for_partner(partner=self.partner, public_id=endpoint_id)
        if endpoint is None:
            raise Http404
        return endpoint


class EndpointView(EndpointMixin):
    scopes = {"GET": Scope.WEBHOOKS_MANAGE, "PATCH": Scope.WEBHOOKS_MANAGE, "DELETE": Scope.WEBHOOKS_MANAGE}

    @operation(
        operation_id="retrieve_webhook_endpoint",
        summary="Retrieve a webhook endpoint",
        responses={200: s.EndpointSerializer},
        errors=(404,),
        tags=WEBHOOKS,
    )
    def get(self, request, endpoint_id):
        return Response(objects.endpoint_object(self.endpoint_or_404(endpoint_id)))

    @operation(
        operation_id="update_webhook_endpoint",
        summary="Update a webhook endpoint",
        description="Change the URL (checked again), the events, the description; enable it again after it was "
        "disabled (its waiting deliveries are sent at once), or pause it.",
        request=s.EndpointUpdateSerializer,
        responses={200: s.EndpointSerializer},
        errors=(400, 404),
        tags=WEBHOOKS,
    )
    def patch(self, request, endpoint_id):
        endpoint = self.endpoint_or_404(endpoint_id)
        data = self.body(s.EndpointUpdateSerializer)
        endpoint = services.webhook_endpoint_update(
            endpoint=endpoint,
            url=data.get("url"),
            event_types=data.get("events"),
            description=data.get("description"),
            enabled=data.get("enabled"),
        )
        return Response(objects.endpoint_object(endpoint))

    @operation(
        operation_id="delete_webhook_endpoint",
        summary="Delete a webhook endpoint",
        responses={204: None},
        errors=(404,),
        tags=WEBHOOKS,
    )
    def delete(self, request, endpoint_id):
        services.webhook_endpoint_delete(endpoint=self.endpoint_or_404(endpoint_id))
        return Response(status=204)


class EndpointRotateSecretView(EndpointMixin):
    scopes = {"POST": Scope.WEBHOOKS_MANAGE}

    @operation(
        operation_id="rotate_webhook_secret",
        summary="Rotate the signing secret",
        description="A new secret (shown only now); deliveries carry a signature with the old one too for "
        "`expires_in_hours` (default 24, at most 168), so your receiver can switch without refusing anything.",
        request=s.RotateSecretSerializer,
        responses={200: s.EndpointWithSecretSerializer},
        errors=(400, 404),
        tags=WEBHOOKS,
    )
    def post(self, request, endpoint_id):
        endpoint = self.endpoint_or_404(endpoint_id)
        hours = self.body(s.RotateSecretSerializer).get("expires_in_hours", 24)
        rotated = services.webhook_endpoint_rotate_secret(endpoint=endpoint, overlap=timedelta(hours=hours))
        return Response(objects.endpoint_object(rotated.endpoint, secret=rotated.secret))


class DeliveriesView(EndpointMixin):
    scopes = {"GET": Scope.WEBHOOKS_MANAGE}

    @operation(
        operation_id="list_webhook_deliveries",
        summary="List an endpoint's deliveries",
        description="Every event sent (or to send) to the endpoint, newest first, successes too.",
        parameters=[s.DeliveryListQuery],
        responses={200: s.list_of(s.DeliverySerializer, "DeliveryList")},
        errors=(400, 404),
        tags=WEBHOOKS,
    )
    def get(self, request, endpoint_id):
        endpoint = self.endpoint_or_404(endpoint_id)
        return self.list_page(
            s.DeliveryListQuery,
            salt="deliveries",
            rows_after=lambda query, after, limit: selectors.deliveries_for_partner(
                partner=self.partner,
                endpoint=endpoint,
                status=query.get("status", ""),
                event_public_id=query.get("event"),
                after=after,
                limit=limit,
            ),
            objects_of=lambda rows: [objects.delivery_object(delivery) for delivery in rows],
            position_of=lambda d: (d.created_at, d.pk),
        )


class DeliveryMixin(PartnerView):
    def delivery_or_404(self, delivery_id):
        delivery = selectors.delivery_for_partner(partner=self.partner, public_id=delivery_id)
        if delivery is None:
            raise Http404
        return delivery


class DeliveryView(DeliveryMixin):
    scopes = {"GET": Scope.WEBHOOKS_MANAGE}

    @operation(
        operation_id="retrieve_webhook_delivery",
        summary="Retrieve a delivery with its attempts",
        responses={200: s.DeliveryDetailSerializer},
        errors=(404,),
        tags=WEBHOOKS,
    )
    def get(self, request, delivery_id):
        delivery = self.delivery_or_404(delivery_id)
        attempts = selectors.delivery_attempts(delivery=delivery)
        return Response(objects.delivery_object(delivery, attempts=attempts))


class RedeliverView(DeliveryMixin):
    scopes = {"POST": Scope.WEBHOOKS_MANAGE}

    @operation(
        operation_id="redeliver_webhook",
        summary="Redeliver",
        description="Send the delivery again now, with a fresh budget of attempts, whatever became of it (409 "
        "while it is being sent).",
        request=s.EmptySerializer,
        responses={202: s.DeliveryDetailSerializer},
        errors=(404, 409),
        tags=WEBHOOKS,
    )
    def post(self, request, delivery_id):
        delivery = self.delivery_or_404(delivery_id)
        self.body(s.EmptySerializer)
        delivery = services.webhook_delivery_redeliver(delivery=delivery)
        attempts = selectors.delivery_attempts(delivery=delivery)
        return Response(objects.delivery_object(delivery, attempts=attempts), status=202)


class MeView(PartnerView):
    @operation(
        operation_id="retrieve_me",
        summary="Your organisation and this key",
        description="Which partner the key belongs to, its scopes and when it expires.",
        responses={200: s.PartnerSerializer},
        tags=["Account"],
    )
    def get(self, request):
        return Response(
            {
                "id": str(self.partner.public_id),
                "object": "partner",
                "name": self.partner.name,
                "api_key": objects.api_key_object(request.auth),
            }
        )
