from django.contrib import admin
from django.urls import include, path

from guichet.accounts.two_factor import agent_rights_suspended
from guichet.api import inbound
from guichet.api.v1 import api as api_v1
from guichet.lib.health import health

admin.site.site_header = "Guichet — administration"
admin.site.site_title = "Guichet"
admin.site.index_title = "Paramétrage du territoire"
# Staff rights, like agents' rights, wait for the second factor the account needs.
_staff_permission = admin.site.has_permission
admin.site.has_permission = lambda request: (_staff_permission(request)
                                             and not agent_rights_suspended(request.user))

urlpatterns = [
    path("admin/", admin.site.urls),
    path("agents/", include("guichet.backoffice.urls")),
    path("open311/", include("guichet.api.urls")),
    path("api/v1/", api_v1.urls),
    path("sante/", health, name="health"),
    path("entree/courriel/", inbound.receive_email, name="inbound_email"),
    path("", include("guichet.portal.urls")),
]

handler400 = "guichet.portal.views.errors.bad_request"
handler403 = "guichet.portal.views.errors.permission_denied"
handler404 = "guichet.portal.views.errors.page_not_found"
handler500 = "guichet.portal.views.errors.server_error"
