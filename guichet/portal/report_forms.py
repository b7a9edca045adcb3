"""The reporting tunnel's forms: the place, then the details. Questions come from the category."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from guichet.lib.files import check_upload
from guichet.lib.forms import Form, MultipleFileField, MultipleFileInput
from guichet.lib.geocoding import GeocoderUnavailable, geocode
from guichet.lib.phones import PhoneField
from guichet.organisations.selectors import commune_in_address, communes_covered
from guichet.reports.services import MAX_DESCRIPTION, ReportError, report_locate

PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp", "image/heic"}
MAX_MB = settings.UPLOAD_MAX_BYTES // (1024 * 1024)


NOT_FOUND = ("Nous n'avons pas trouvé cette adresse. Vérifiez-la ou placez le point sur la "
             "carte ; vous pouvez aussi choisir la commune ci-dessous pour l'envoyer telle "
             "quelle.")
UNAVAILABLE = ("Le service de recherche d'adresses ne répond pas pour l'instant : choisissez la "
               "commune où se trouve le problème, votre adresse sera transmise telle quelle.")


class LocationForm(Form):
    """The place: a point on the map (JavaScript), else the typed address, looked up by the
    address service. When the service does not answer, the typed address is kept as is and
    the commune, typed in it or chosen, routes the report; when the service does not know the
    address, the resident checks it or chooses the commune. Either way, a report without a
    position is flagged for an agent to place on the map."""

    address = forms.CharField(
        label="Adresse ou repère", max_length=250, required=False,
        help_text="Par exemple : 12 rue Foch, 57700 Hayange. Vous pouvez aussi placer le point "
                  "sur la carte.",
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}))
    commune = forms.ChoiceField(
        label="Commune", required=False,
        help_text="Un agent placera ensuite le point sur la carte d'après votre adresse.")
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.communes = {c.slug: c for c in communes_covered()}
        self.fields["commune"].choices = [("", "Choisissez la commune")] + [
            (slug, c.name) for slug, c in self.communes.items()]
        # The commune list is shown once it is needed (or was already used).
        self.ask_commune = bool(self.data.get(self.add_prefix("commune")))

    def clean(self):
        data = super().clean()
        lat, lon, address = data.get("lat"), data.get("lon"), data.get("address", "")
        chosen = self.communes.get(data.get("commune") or "")
        data["commune"] = None
        if lat is None or lon is None:
            if not address:
                self.add_error("address", "Indiquez l'adresse du problème ou placez-le sur "
                                          "la carte.")
                return data
            try:
                place = geocode(address)
            except GeocoderUnavailable:
                return self._unlocated(data, chosen or commune_in_address(address), UNAVAILABLE,
                                       field="commune")
            if place is None:
                return self._unlocated(data, chosen, NOT_FOUND, field="address")
            lat, lon = place.lat, place.lon
            data["address"] = place.label
        try:
            data["commune"] = report_locate(lat=lat, lon=lon)
        except ReportError as exc:
            self.add_error("address", str(exc))
        data["lat"], data["lon"] = lat, lon
        return data

    def _unlocated(self, data, commune, message, *, field):
        """The typed address without a position, routed by its commune, or the question."""
        data["lat"] = data["lon"] = None
        if commune is None:
            self.ask_commune = True
            self.add_error(field, message)
        data["commune"] = commune
        return data


def _question_field(question: dict) -> forms.Field:
    label = question.get("label", question["code"])
    common = {"label": label, "required": bool(question.get("required")),
              "help_text": question.get("description", "")}
    datatype = question.get("datatype", "string")
    choices = [(v["key"], v["name"]) for v in question.get("values", [])]
    if datatype == "singlevaluelist":
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if datatype == "multivaluelist":
        return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple,
                                         **common)
    if datatype == "number":
        return forms.DecimalField(localize=True, **common)
    if datatype == "text":
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=1000,
                               **common)
    return forms.CharField(max_length=250, **common)


def photo_notice(category) -> str:
    """Told before the upload: who will see the photos, and that nothing is blurred."""
    if not category.is_public:
        return ("Vos photos ne sont vues que par les agents qui traitent le signalement : elles "
                "ne sont pas publiées.")
    care = ("Elles ne sont pas floutées : évitez d'y montrer des visages et des plaques "
            "d'immatriculation.")
    if category.moderate_photos:
        return ("Vos photos sont vérifiées par le service avant d'être publiées sur la carte et "
                f"la liste publiques des signalements. {care}")
    return ("Vos photos sont publiées dès l'envoi, sans vérification, sur la carte et la liste "
            f"publiques des signalements. {care}")


class ReportDetailsForm(Form):
    description = forms.CharField(
        label="Décrivez le problème", max_length=MAX_DESCRIPTION,
        help_text=f"{MAX_DESCRIPTION} caractères au plus. N'indiquez pas de données "
                  "personnelles : la description peut être publiée.",
        widget=forms.Textarea(attrs={"rows": 5}))
    photos = MultipleFileField(
        label="Photos", required=False,
        help_text=f"Facultatif. Jusqu'à {settings.REPORT_MAX_PHOTOS} photos (JPEG, PNG, WebP ou "
                  f"HEIC) de {MAX_MB} Mo au plus. Leur position GPS est effacée.",
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,"
                                                  "image/heic,.heic"}))
    name = forms.CharField(label="Vos prénom et nom", max_length=200,
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(
        label="Votre adresse électronique",
        help_text="Pour l'accusé d'enregistrement et le suivi. Elle n'est jamais publiée.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    phone = PhoneField(label="Votre téléphone", max_length=30, required=False,
                            help_text="Facultatif.",
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}))

    def __init__(self, *args, category, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.category = category
        questions = {f"q_{q['code']}": _question_field(q) for q in category.sorted_questions()}
        self.fields = {**questions, **self.fields}
        self.question_names = list(questions)
        photos = self.fields["photos"]
        photos.help_text = f"{photos.help_text} {photo_notice(category)}"
        if user is not None and user.is_authenticated:
            del self.fields["email"]
            self.fields["name"].initial = user.get_full_name()
            profile = getattr(user, "profile", None)
            if profile:
                self.fields["phone"].initial = profile.phone

    def question_fields(self):
        return [self[name] for name in self.question_names]

    def clean_photos(self):
        files = self.cleaned_data.get("photos") or []
        if len(files) > settings.REPORT_MAX_PHOTOS:
            raise ValidationError(f"Joignez {settings.REPORT_MAX_PHOTOS} photos au plus.")
        errors = []
        for upload in files:
            try:
                checked = check_upload(upload)
            except ValidationError as error:
                errors.extend(error.messages)
                continue
            if checked.content_type not in PHOTO_TYPES:
                errors.append(f"« {checked.original_name} » n'est pas une photo (JPEG, PNG, "
                              "WebP ou HEIC).")
        if errors:
            raise ValidationError(errors)
        return files

    def answers(self) -> dict:
        answers = {}
        for name in self.question_names:
            value = self.cleaned_data.get(name)
            if value not in (None, "", []):
                answers[name[2:]] = [str(v) for v in value] if isinstance(value, list) \
                    else str(value)
        return answers
