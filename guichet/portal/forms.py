from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError

from guichet.accounts.models import ResidentProfile, User
from guichet.lib.files import ACCEPT_ATTRIBUTE, HUMAN_FORMATS, check_upload
from guichet.lib.forms import (
    AccessibleFormMixin,
    Form,
    ModelForm,
    MultipleFileField,
    MultipleFileInput,
)
from guichet.lib.phones import PhoneField
from guichet.lib.urls import absolute_url

MAX_MB = settings.UPLOAD_MAX_BYTES // (1024 * 1024)


class AttachmentsMixin:
    """A multiple file field checked by content; cleaned_data['attachments'] holds CheckedFiles."""

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        if len(files) > settings.UPLOAD_MAX_FILES:
            raise ValidationError(f"Joignez au plus {settings.UPLOAD_MAX_FILES} fichiers.")
        checked, errors = [], []
        for upload in files:
            try:
                checked.append(check_upload(upload))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return checked


def attachments_field(label="Pièces jointes"):
    return MultipleFileField(
        label=label, required=False,
        help_text=f"Facultatif. Jusqu'à {settings.UPLOAD_MAX_FILES} fichiers de {MAX_MB} Mo "
                  f"au plus chacun, aux formats {HUMAN_FORMATS}.",
        widget=MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )


class ContactForm(AttachmentsMixin, Form):
    subject = forms.CharField(label="Objet", max_length=200,
                              help_text="En quelques mots, par exemple : horaires de la piscine.")
    message = forms.CharField(label="Votre message", max_length=10000, widget=forms.Textarea)
    attachments = attachments_field()
    name = forms.CharField(label="Vos prénom et nom", max_length=200,
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(
        label="Votre adresse électronique",
        help_text="Nous y envoyons l'accusé d'enregistrement et le lien pour suivre votre "
                  "demande. Format attendu : nom@exemple.fr",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = PhoneField(label="Votre téléphone", max_length=30, required=False,
                            help_text="Facultatif, si vous préférez être rappelé.",
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user is not None and user.is_authenticated:
            # The account's address is used; the resident sees it on the page.
            del self.fields["email"]
            profile = getattr(user, "profile", None)
            self.fields["name"].initial = user.get_full_name()
            if profile:
                self.fields["phone"].initial = profile.phone


class ReplyForm(AttachmentsMixin, Form):
    body = forms.CharField(label="Votre message", max_length=10000, widget=forms.Textarea)
    attachments = attachments_field()


class LoginForm(AccessibleFormMixin, auth_forms.AuthenticationForm):
    username = forms.EmailField(label="Adresse électronique",
                                widget=forms.EmailInput(attrs={"autocomplete": "email",
                                                               "autofocus": True}))
    password = forms.CharField(label="Mot de passe", strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete":
                                                                 "current-password"}))
    error_messages = {
        "invalid_login": "Adresse électronique ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé.",
    }


class MagicLinkForm(Form):
    email = forms.EmailField(label="Adresse électronique",
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class RegisterForm(Form):
    first_name = forms.CharField(label="Prénom", max_length=150,
                                 widget=forms.TextInput(attrs={"autocomplete": "given-name"}))
    last_name = forms.CharField(label="Nom", max_length=150,
                                widget=forms.TextInput(attrs={"autocomplete": "family-name"}))
    email = forms.EmailField(label="Adresse électronique",
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        label="Mot de passe", strip=False,
        help_text="Au moins 10 caractères, pas uniquement des chiffres ni un mot de passe courant.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError("Un compte existe déjà avec cette adresse. Connectez-vous, "
                                  "ou demandez un lien de connexion.")
        return email

    def clean(self):
        from django.contrib.auth.password_validation import validate_password

        data = super().clean()
        if data.get("password"):
            candidate = User(email=data.get("email", ""), first_name=data.get("first_name", ""),
                             last_name=data.get("last_name", ""))
            try:
                validate_password(data["password"], candidate)
            except ValidationError as error:
                self.add_error("password", error)
        return data


class ProfileForm(ModelForm):
    field_order = ["civility", "first_name", "last_name", "phone", "address", "postcode", "city",
                   "preferred_channel"]
    first_name = forms.CharField(label="Prénom", max_length=150,
                                 widget=forms.TextInput(attrs={"autocomplete": "given-name"}))
    last_name = forms.CharField(label="Nom", max_length=150,
                                widget=forms.TextInput(attrs={"autocomplete": "family-name"}))

    phone = PhoneField(label="Téléphone", required=False,
                       help_text="Par exemple 06 12 34 56 78. Un portable pour recevoir les SMS.")

    class Meta:
        model = ResidentProfile
        fields = ["civility", "phone", "address", "postcode", "city", "preferred_channel"]
        widgets = {
            "address": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "postcode": forms.TextInput(attrs={"autocomplete": "postal-code",
                                               "inputmode": "numeric"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
        }

    def clean_postcode(self):
        value = self.cleaned_data["postcode"].strip()
        if value and not (len(value) == 5 and value.isdigit()):
            raise ValidationError("Un code postal a 5 chiffres, par exemple 57000.")
        return value


class PasswordResetForm(AccessibleFormMixin, auth_forms.PasswordResetForm):
    email = forms.EmailField(label="Adresse électronique",
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    def send_mail(self, subject_template_name, email_template_name, context, from_email,
                  to_email, html_email_template_name=None):
        """Goes through the outbox like every other email."""
        from guichet.notifications.services import notification_queue

        notification_queue(template="password_reset", recipient=to_email, mandatory=True,
                           context={"reset_url": absolute_url(_reset_path(context)),
                                    "user": context["user"]})


def _reset_path(context) -> str:
    from django.urls import reverse

    return reverse("portal:password_reset_confirm", args=[context["uid"], context["token"]])


class SetPasswordForm(AccessibleFormMixin, auth_forms.SetPasswordForm):
    pass


class FilerForm(Form):
    """Who is filing, asked on the summary page only when the procedure allows filing without
    an account: the acknowledgement needs an address to be sent to."""

    name = forms.CharField(label="Vos prénom et nom", max_length=200,
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(
        label="Votre adresse électronique",
        help_text="Nous y envoyons l'accusé de réception et le lien pour suivre votre dossier. "
                  "Format attendu : nom@exemple.fr",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    confirm = forms.BooleanField(
        label="Je certifie l'exactitude des informations données.",
        error_messages={"required": "Cochez cette case pour envoyer votre dossier."})

    def __init__(self, *args, anonymous: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not anonymous:
            del self.fields["name"]
            del self.fields["email"]


class ProvideDocumentsForm(AttachmentsMixin, Form):
    message = forms.CharField(label="Votre message (facultatif)", max_length=5000,
                              required=False, widget=forms.Textarea(attrs={"rows": 3}))
    attachments = attachments_field("Pièces demandées")

    def clean_attachments(self):
        files = super().clean_attachments()
        if not files:
            raise ValidationError("Joignez au moins une des pièces demandées.")
        return files


class VaultDocumentForm(Form):
    type = forms.ChoiceField(label="Type de document")
    title = forms.CharField(label="Intitulé", max_length=200, required=False,
                            help_text="Facultatif, par exemple : facture d'électricité de mars.")
    valid_until = forms.DateField(
        label="Valable jusqu'au", required=False,
        help_text="Facultatif. Nous vous prévenons un mois avant. Format : 31/12/2026.",
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Saisissez une date valide, par exemple 31/12/2026."})
    file = forms.FileField(label="Fichier", help_text=f"Formats acceptés : {HUMAN_FORMATS}.",
                           widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from guichet.documents.models import DOCUMENT_TYPES

        self.fields["type"].choices = [("", "— Choisissez —"), *DOCUMENT_TYPES.items()]

    def clean_file(self):
        return check_upload(self.cleaned_data["file"])
