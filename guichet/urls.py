from django.contrib import admin
from django.urls import include, path

from guichet.api import inbound

admin.site.site_header = "Guichet — administration"
admin.site.site_title = "Guichet"
admin.site.index_title = "Paramétrage du territoire"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("agents/", include("guichet.backoffice.urls")),
    path("open311/", include("guichet.api.urls")),
    path("entree/courriel/", inbound.receive_email, name="inbound_email"),
    path("", include("guichet.portal.urls")),
]

handler400 = "guichet.portal.views.errors.bad_request"
handler403 = "guichet.portal.views.errors.permission_denied"
handler404 = "guichet.portal.views.errors.page_not_found"
handler500 = "guichet.portal.views.errors.server_error"
