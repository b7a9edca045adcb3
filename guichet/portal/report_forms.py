"""The reporting tunnel's forms: the place, then the details. Questions come from the category."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from guichet.lib.files import check_upload
from guichet.lib.forms import Form, MultipleFileField, MultipleFileInput
from guichet.lib.geocoding import geocode
from guichet.lib.phones import PhoneField
from guichet.reports.services import MAX_DESCRIPTION, ReportError, report_locate

PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp", "image/heic"}
MAX_MB = settings.UPLOAD_MAX_BYTES // (1024 * 1024)


class LocationForm(Form):
    address = forms.CharField(
        label="Adresse ou repère", max_length=250, required=False,
        help_text="Par exemple : 12 rue Foch, Hayange. Vous pouvez aussi placer le point sur "
                  "la carte.",
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}))
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        lat, lon, address = data.get("lat"), data.get("lon"), data.get("address", "")
        if lat is None or lon is None:
            if not address:
                self.add_error("address", "Indiquez l'adresse du problème ou placez-le sur "
                                          "la carte.")
                return data
            place = geocode(address)
            if place is None:
                self.add_error("address", "Adresse introuvable : précisez le numéro, la rue et "
                                          "la commune, ou placez le point sur la carte.")
                return data
            lat, lon = place.lat, place.lon
            data["address"] = place.label
        try:
            data["commune"] = report_locate(lat=lat, lon=lon)
        except ReportError as exc:
            self.add_error("address", str(exc))
        data["lat"], data["lon"] = lat, lon
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
