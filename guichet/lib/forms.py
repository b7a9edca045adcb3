"""Forms that render accessibly: a label on every field, hints and errors tied to the input by
aria-describedby, and an error summary at the top linking to each field (see DESIGN.md)."""

from django import forms
from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    field_template_name = "includes/field.html"


class AccessibleFormMixin:
    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            field = self[name]
            ids = [f"{field.auto_id}_error"]
            if field.help_text:
                ids.append(f"{field.auto_id}_helptext")
            self.fields[name].widget.attrs["aria-describedby"] = " ".join(ids)

    def error_summary(self) -> list[tuple[str, str]]:
        """(anchor, message) pairs for the summary at the top of the form."""
        items = [("", str(message)) for message in self.non_field_errors()]
        for name, errors in self.errors.items():
            if name in self.fields:
                # A hidden field filled by a widget (a map) names the block to go back to.
                anchor = getattr(self.fields[name], "error_anchor", None) or self[name].auto_id
                label = self.fields[name].label or name
                items.extend((anchor, f"{label} : {message}") for message in errors)
        return items


class Form(AccessibleFormMixin, forms.Form):
    pass


class ModelForm(AccessibleFormMixin, forms.ModelForm):
    pass


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by content by the form that uses it."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []
