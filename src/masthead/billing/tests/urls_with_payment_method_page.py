"""The site's URLs as they will be once the payment-method page exists (another branch builds
it as ``billing:update_payment_method``): My subscription's Update link must then appear."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, include, path

from masthead import urls as site
from masthead.billing import urls as billing_urls


def update_payment_method(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Update your payment method")


billing = (
    [
        *billing_urls.urlpatterns,
        path("my/payment-method/", update_payment_method, name="update_payment_method"),
    ],
    "billing",
)


def _swap(entry: object) -> URLPattern | URLResolver:
    assert isinstance(entry, URLPattern | URLResolver)
    if str(entry.pattern) == "subscribe/":
        return path("subscribe/", include(billing))
    return entry


urlpatterns: list[URLPattern | URLResolver] = [_swap(entry) for entry in site.urlpatterns]
