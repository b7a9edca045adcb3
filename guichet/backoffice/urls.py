from django.urls import path

from . import report_settings, views

app_name = "backoffice"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("attribuer/", views.bulk_assign, name="bulk_assign"),
    path("feuille-de-route/", views.route_sheet, name="route_sheet"),
    path("carte/", views.reports_map, name="reports_map"),
    path("carte.geojson", views.reports_geojson, name="reports_geojson"),
    path("demandes/<str:reference>/", views.case, name="case"),
    path("demandes/<str:reference>/repondre/", views.case_reply, name="case_reply"),
    path("demandes/<str:reference>/note/", views.case_note, name="case_note"),
    path("demandes/<str:reference>/attribuer/", views.case_assign, name="case_assign"),
    path("demandes/<str:reference>/transferer/", views.case_transfer, name="case_transfer"),
    path("demandes/<str:reference>/statut/", views.case_status, name="case_status"),
    path("demandes/<str:reference>/cloturer/", views.case_close, name="case_close"),
    path("demandes/<str:reference>/intervention/", views.case_report_field,
         name="case_report_field"),
    path("demandes/<str:reference>/cloturer-signalement/", views.case_report_close,
         name="case_report_close"),
    path("demandes/<str:reference>/fusionner/", views.case_report_merge,
         name="case_report_merge"),
    path("demandes/<str:reference>/photos/<str:key>/publication/", views.case_photo_publish,
         name="case_photo_publish"),
    path("usagers/<int:user_id>/", views.person, name="person"),
    path("journal/", views.journal, name="journal"),
    path("parametres/categories/", report_settings.category_list, name="category_list"),
    path("parametres/categories/nouvelle/", report_settings.category_edit,
         name="category_add"),
    path("parametres/categories/<int:pk>/", report_settings.category_edit,
         name="category_edit"),
    path("parametres/cles-api/", report_settings.api_keys, name="api_keys"),
    path("parametres/cles-api/<int:pk>/revoquer/", report_settings.api_key_revoke_view,
         name="api_key_revoke"),
]
