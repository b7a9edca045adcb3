"""Open311 GeoReport v2: production at /open311/v2/, test at /open311/test/v2/."""

from django.urls import include, re_path

from . import open311

FMT = r"\.(?P<fmt>json|xml)"

v2 = [
    re_path(rf"^services{FMT}$", open311.services, name="services"),
    re_path(rf"^services/(?P<service_code>[-\w]+){FMT}$", open311.service_definition,
            name="service"),
    re_path(rf"^requests{FMT}$", open311.requests_view, name="requests"),
    re_path(rf"^requests?/(?P<service_request_id>[-\w]+){FMT}$", open311.request_detail,
            name="request"),
    re_path(rf"^tokens/(?P<token>[-\w]+){FMT}$", open311.token_detail, name="token"),
]

test_v2 = [
    re_path(rf"^services{FMT}$", open311.services),
    re_path(rf"^services/(?P<service_code>[-\w]+){FMT}$", open311.service_definition),
    re_path(rf"^requests{FMT}$", open311.test_requests),
]

app_name = "open311"

urlpatterns = [
    re_path(rf"^discovery{FMT}$", open311.discovery, name="discovery"),
    re_path(r"^v2/", include(v2)),
    re_path(r"^test/v2/", include(test_v2)),
]
