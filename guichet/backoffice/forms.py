"""Forms of the agents' back-office. Choices are always limited to what the agent may use."""

from django import forms

from guichet.cases.models import Channel, Status
from guichet.lib.forms import Form
from guichet.portal.forms import AttachmentsMixin, attachments_field

PER_PAGE_CHOICES = (25, 50, 100)


class InboxFilterForm(Form):
    """Filters of the inbox, read from the query string; invalid values are simply ignored."""

    status = forms.ChoiceField(label="Statut", required=False,
                               choices=[("", "Tous")] + Status.choices)
    channel = forms.ChoiceField(label="Canal", required=False,
                                choices=[("", "Tous")] + Channel.choices)
    unit = forms.TypedChoiceField(label="Service", required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(label="Type de demande", required=False)
    received_from = forms.DateField(label="Reçues à partir du", required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))
    received_to = forms.DateField(label="Reçues jusqu'au (inclus)", required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    assignee = forms.ChoiceField(label="Attribuée à", required=False)
    category = forms.ChoiceField(label="Catégorie de signalement", required=False)
    commune = forms.ChoiceField(label="Commune du signalement", required=False)
    to_place = forms.BooleanField(label="Seulement les signalements à placer sur la carte",
                                  required=False)
    sort = forms.ChoiceField(label="Trier par", required=False, choices=[
        ("due", "Échéance la plus proche"), ("recent", "Reçues récemment"),
        ("oldest", "Reçues il y a le plus longtemps")])
    per_page = forms.TypedChoiceField(label="Par page", required=False, coerce=int,
                                      empty_value=PER_PAGE_CHOICES[0],
                                      choices=[(n, n) for n in PER_PAGE_CHOICES])

    def __init__(self, *args, units=(), agents=(), categories=(), communes=(), **kwargs):
        super().__init__(*args, **kwargs)
        from guichet.cases import kinds

        self.fields["kind"].choices = [("", "Tous")] + sorted(
            ((k.code, k.label) for k in kinds.all_kinds()), key=lambda choice: choice[1])
        self.fields["category"].choices = [("", "Toutes")] + [
            (c.service_code, c.full_name) for c in categories]
        self.fields["commune"].choices = [("", "Toutes")] + [(c.slug, c.name) for c in communes]
        self.fields["unit"].choices = [("", "Tous mes services")] + [
            (u.pk, f"{u.name} ({u.organisation.name})") for u in units]
        self.fields["assignee"].choices = [("", "Tout le monde"), ("none", "Personne")] + [
            (str(a.pk), a.get_full_name() or a.email) for a in agents]


class AgentReplyForm(AttachmentsMixin, Form):
    body = forms.CharField(label="Message à l'usager", max_length=10000,
                           widget=forms.Textarea(attrs={"rows": 6}),
                           help_text="L'usager le reçoit par courriel et le voit dans son espace.")
    attachments = attachments_field()
    wait_for_resident = forms.BooleanField(
        label="J'attends une réponse de l'usager (le délai est suspendu)", required=False)
    template = forms.IntegerField(required=False, widget=forms.HiddenInput)


class NoteForm(AttachmentsMixin, Form):
    note = forms.CharField(label="Note interne", max_length=10000,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           help_text="Visible des seuls agents, jamais de l'usager.")
    attachments = attachments_field("Pièces jointes de la note")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="note", **kwargs)


class AssignForm(Form):
    assignee = forms.ChoiceField(label="Attribuer à", required=False)

    def __init__(self, *args, agents=(), **kwargs):
        super().__init__(*args, prefix="assign", **kwargs)
        self.fields["assignee"].choices = [("", "Personne (file du service)")] + [
            (str(a.pk), a.get_full_name() or a.email) for a in agents]


class TransferForm(Form):
    unit = forms.TypedChoiceField(label="Nouveau service", coerce=int)
    reason = forms.CharField(label="Motif du transfert", max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="Il reste dans l'historique interne de la demande.")

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, prefix="transfer", **kwargs)
        self.fields["unit"].choices = [("", "Choisissez un service")] + [
            (u.pk, f"{u.name} — {u.organisation.name}") for u in units]


class StatusForm(Form):
    status = forms.ChoiceField(label="Nouveau statut")
    reason = forms.CharField(label="Commentaire (facultatif)", max_length=2000, required=False)

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, prefix="status", **kwargs)
        allowed = [(v, label) for v, label in case.allowed_statuses() if v != Status.CLOSED]
        self.fields["status"].choices = [("", "Choisissez un statut")] + allowed


class CloseForm(Form):
    message = forms.CharField(label="Message de clôture à l'usager", max_length=10000,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text="Expliquez la suite donnée ; l'usager le reçoit par "
                                        "courriel.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="close", **kwargs)


class JournalFilterForm(Form):
    action = forms.ChoiceField(label="Action", required=False)
    reference = forms.CharField(label="Référence de la demande", required=False, max_length=20)
    actor = forms.CharField(label="Adresse de l'agent", required=False, max_length=254)

    def __init__(self, *args, actions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "Toutes")] + list(actions)


class FieldStatusForm(Form):
    field_status = forms.ChoiceField(label="Intervention", choices=[])
    scheduled_for = forms.DateField(label="Date prévue", required=False,
                                    help_text="Pour une intervention programmée. Format : "
                                              "jj/mm/aaaa.",
                                    widget=forms.DateInput(attrs={"type": "date"},
                                                           format="%Y-%m-%d"),
                                    input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    unit = forms.TypedChoiceField(
        label="Service compétent", required=False, coerce=int, empty_value=None,
        help_text="Si ce n'est pas de notre compétence : le signalement lui est transféré.")

    NOT_OURS = "not_ours"

    def __init__(self, *args, units=(), **kwargs):
        from guichet.reports.models import FieldStatus

        super().__init__(*args, prefix="field", **kwargs)
        self.fields["field_status"].choices = [
            (v, label) for v, label in FieldStatus.choices if v] + [
            (self.NOT_OURS, "Pas de notre compétence : transférer")]
        self.fields["unit"].choices = [("", "—")] + [
            (u.pk, f"{u.name} ({u.organisation.name})") for u in units]

    def clean(self):
        data = super().clean()
        if data.get("field_status") == self.NOT_OURS and not data.get("unit"):
            self.add_error("unit", "Choisissez le service compétent.")
        return data


def _degrees(value: str, *, low: float, high: float, message: str) -> float | None:
    value = (value or "").strip().replace(",", ".").replace("\u00b0", "")
    if not value:
        return None
    try:
        number = float(value)
    except ValueError as exc:
        raise forms.ValidationError(message) from exc
    if not low <= number <= high:
        raise forms.ValidationError(message)
    return number


class PlaceForm(Form):
    """The report's position, by clicking the map (JavaScript fills the two fields), by typing
    coordinates, or by searching its address again with the address service."""

    address = forms.CharField(
        label="Adresse", max_length=250, required=False,
        help_text="Sans coordonnées, cette adresse est recherchée par le service d'adresses.")
    lat = forms.CharField(label="Latitude", max_length=20, required=False,
                          help_text="En degrés décimaux (WGS84), par exemple 49,3312.",
                          widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    lon = forms.CharField(label="Longitude", max_length=20, required=False,
                          help_text="En degrés décimaux (WGS84), par exemple 6,0514.",
                          widget=forms.TextInput(attrs={"inputmode": "decimal"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="place", **kwargs)

    def clean_lat(self):
        return _degrees(self.cleaned_data.get("lat"), low=-90, high=90,
                        message="Indiquez la latitude en degrés décimaux, par exemple 49,3312.")

    def clean_lon(self):
        return _degrees(self.cleaned_data.get("lon"), low=-180, high=180,
                        message="Indiquez la longitude en degrés décimaux, par exemple 6,0514.")

    def clean(self):
        from guichet.lib.geocoding import GeocoderUnavailable, geocode

        data = super().clean()
        if self.errors:
            return data
        lat, lon, address = data.get("lat"), data.get("lon"), data.get("address", "")
        if lat is not None and lon is not None:
            return data
        if lat is not None or lon is not None:
            missing = "lon" if lat is not None else "lat"
            self.add_error(missing, "Indiquez la latitude et la longitude, ou cliquez sur la "
                                    "carte.")
            return data
        if not address:
            self.add_error("lat", "Indiquez les coordonnées, cliquez sur la carte ou donnez "
                                  "une adresse à rechercher.")
            return data
        try:
            place = geocode(address)
        except GeocoderUnavailable:
            self.add_error("address", "Le service de recherche d'adresses ne répond pas : "
                                      "indiquez les coordonnées ou cliquez sur la carte.")
            return data
        if place is None:
            self.add_error("address", "Le service d'adresses ne connaît pas cette adresse : "
                                      "indiquez les coordonnées ou cliquez sur la carte.")
            return data
        data["lat"], data["lon"], data["address"] = place.lat, place.lon, place.label
        return data


class MergeForm(Form):
    into = forms.CharField(label="Référence du signalement d'origine", max_length=20,
                           help_text="Par exemple MFO-2026-000123. Ce signalement sera clos et "
                                     "son auteur suivra celui d'origine.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="merge", **kwargs)


class ReportCloseForm(CloseForm):
    photo = forms.FileField(
        label="Photo après intervention", required=False,
        help_text="Facultatif. JPEG, PNG, WebP ou HEIC ; elle est publiée avec le signalement.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,"
                                                         "image/heic,.heic"}))

    def clean_photo(self):
        from guichet.lib.files import check_upload

        upload = self.cleaned_data.get("photo")
        if upload:
            checked = check_upload(upload)
            if not checked.content_type.startswith("image/"):
                raise forms.ValidationError("Ce fichier n'est pas une photo.")
        return upload
