"""Every product URL, plus the two yardsticks: a view that answers a short text without the
database, and one that inserts one row. Every page is measured against them in the same round."""

from django.db import connection
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt


def bare(request):
    return HttpResponse("ok")


@csrf_exempt
def bare_insert(request):
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_http_row (at) VALUES (now())")
    return HttpResponse("ok", status=201)


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/insert/", bare_insert),
    path("", include("guichet.urls")),
]
