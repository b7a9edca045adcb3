from django.urls import path

from .views import account, cases, contact, pages, reports

app_name = "portal"

urlpatterns = [
    path("", contact.home, name="home"),
    path("collectivites/<slug:org_slug>/", contact.organisation, name="organisation"),
    path("collectivites/<slug:org_slug>/services/<slug:unit_slug>/ecrire/", contact.contact_unit,
         name="contact_unit"),
    path("collectivites/<slug:org_slug>/elus/<int:official_id>/ecrire/", contact.contact_official,
         name="contact_official"),
    path("demande-envoyee/<str:token>/", contact.confirmation, name="confirmation"),
    path("suivi/<str:token>/", cases.case_by_token, name="case_by_token"),
    path("suivi/<str:token>/accuse-d-enregistrement.pdf", cases.receipt_pdf, name="receipt_pdf"),
    path("pieces/<str:key>/", cases.attachment, name="attachment"),
    path("mes-demandes/", cases.my_cases, name="my_cases"),
    path("connexion/", account.login, name="login"),
    path("connexion/lien/", account.magic_link_request, name="magic_link"),
    path("connexion/lien/<str:token>/", account.magic_link_login, name="magic_link_login"),
    path("deconnexion/", account.logout, name="logout"),
    path("inscription/", account.register, name="register"),
    path("compte/verifier/<str:token>/", account.verify_email, name="verify_email"),
    path("compte/verifier/", account.resend_verification, name="resend_verification"),
    path("mot-de-passe/oubli/", account.password_reset, name="password_reset"),
    path("mot-de-passe/oubli/envoye/", account.password_reset_done, name="password_reset_done"),
    path("mot-de-passe/nouveau/<uidb64>/<token>/", account.password_reset_confirm,
         name="password_reset_confirm"),
    path("mon-profil/", account.profile, name="profile"),
    path("signaler/", reports.report_start, name="report_start"),
    path("signaler/<slug:code>/", reports.report_location, name="report_location"),
    path("signaler/<slug:code>/details/", reports.report_details, name="report_details"),
    path("signalements/", reports.public_list, name="public_reports"),
    path("signalements/donnees.csv", reports.open_data_csv, name="open_data_csv"),
    path("signalements/donnees.geojson", reports.open_data_geojson, name="open_data_geojson"),
    path("signalements/carte.geojson", reports.public_geojson, name="public_reports_geojson"),
    path("signalements/<str:reference>/", reports.public_report, name="public_report"),
    path("signalements/<str:reference>/moi-aussi/", reports.report_me_too, name="report_me_too"),
    path("photos/<str:key>/", reports.photo, name="photo"),
    path("photos/<str:key>/vignette/", reports.photo, {"size": "vignette"}, name="photo_thumbnail"),
    path("accessibilite/", pages.accessibility, name="accessibility"),
    path("donnees-personnelles/", pages.privacy, name="privacy"),
]
