from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from phonenumber_field.formfields import PhoneNumberField

from approvals import rating_reasons
from approvals.models import ApplicantKind, Theme
from directory.models import Department


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Item name or code")}),
    )
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False, empty_label=_("All departments")
    )
    theme = forms.ChoiceField(label=_("Theme"), required=False, choices=[("", _("All themes")), *Theme.choices])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(approval_items__is_published=True).distinct()


class ApplyForm(forms.Form):
    service_centre = forms.ModelChoiceField(label=_("Where it is handled"), queryset=Department.objects.none())
    applicant_kind = forms.ChoiceField(label=_("Applicant type"), choices=ApplicantKind.choices)
    applicant_name = forms.CharField(label=_("Applicant name"), max_length=100)
    applicant_phone = PhoneNumberField(
        label=_("Mobile phone"), region="CN", help_text=_("Status changes are sent to this number by SMS.")
    )
    organisation_code = forms.CharField(label=_("Unified social credit code"), max_length=18, required=False)
    description = forms.CharField(
        label=_("What you apply for"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, item, centres, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        self.fields["service_centre"].queryset = Department.objects.filter(pk__in=[c.pk for c in centres])
        if len(centres) == 1:
            self.fields["service_centre"].initial = centres[0].pk
        self.materials = list(item.materials.all())
        for material in self.materials:
            self.fields[f"material_{material.pk}"] = forms.FileField(
                label=material.name,
                required=material.required,
                help_text=f"{material.get_form_display()} × {material.copies}",
                widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.doc,.docx,.xls,.xlsx"}),
            )

    def clean(self):
        data = super().clean()
        if data.get("applicant_kind") == ApplicantKind.COMPANY and not data.get("organisation_code"):
            self.add_error("organisation_code", _("A company or organisation gives its unified social credit code."))
        return data

    def files_given(self):
        return [
            (material, self.cleaned_data[f"material_{material.pk}"])
            for material in self.materials
            if self.cleaned_data.get(f"material_{material.pk}")
        ]


class TrackForm(forms.Form):
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=20)
    code = forms.CharField(label=_("Query code"), max_length=16, widget=forms.PasswordInput(render_value=False))


class SupplementForm(forms.Form):
    def __init__(self, *args, names, **kwargs):
        super().__init__(*args, **kwargs)
        self.names = names
        for index, name in enumerate(names):
            self.fields[f"file_{index}"] = forms.FileField(label=name)

    def files_given(self):
        return [(None, self.cleaned_data[f"file_{i}"]) for i in range(len(self.names))]


class RateForm(forms.Form):
    """好差评 of one finished step or of the whole case: stars, the reasons that go with them, a comment."""

    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        coerce=int,
        choices=[(n, rating_reasons.stars_text(n)) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    good = forms.MultipleChoiceField(
        label=_("What went well (3 stars or more)"),
        required=False,
        choices=list(rating_reasons.GOOD.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    bad = forms.MultipleChoiceField(
        label=_("What went wrong (1 or 2 stars: choose at least one)"),
        required=False,
        choices=list(rating_reasons.BAD.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    comment = forms.CharField(
        label=pgettext_lazy("rating", "Comment"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        stars = data.get("rating")
        if stars is not None:
            # The reasons of the other side are ignored, so a change of mind before sending does no harm.
            data["reasons"] = data.get("bad" if rating_reasons.is_bad(stars) else "good") or []
        return data

    def values(self):
        data = self.cleaned_data
        return {"rating": data["rating"], "reasons": data["reasons"], "comment": data["comment"]}


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why you withdraw (optional)"), required=False, max_length=500)
