from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from directory import importing


class CadreImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(importing.ALLOWED_EXTENSIONS)}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "An .xlsx workbook or a .csv file (UTF-8 or GBK), at most %(limit)s. The first row holds the column names."
        ) % {"limit": filesizeformat(settings.CADRE_IMPORT_MAX_BYTES)}

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        # The same checks as the service's, made here too so the user sees them next to the field,
        # before the file is read.
        try:
            importing.check_file_name(uploaded.name)
            importing.check_file_size(uploaded.size)
        except importing.ImportFileError as error:
            raise ValidationError(error.message, code=error.code) from None
        return uploaded


class CadreImportConfirmForm(forms.Form):
    only_valid = forms.BooleanField(
        label=_("Import only the valid rows and skip the rejected ones"),
        required=False,
    )

    def __init__(self, *args, require_only_valid=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["only_valid"].required = require_only_valid
