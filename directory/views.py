"""Wagtail admin pages of the cadre spreadsheet import: upload, preview, confirm. The work is in importing/."""

from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.admin import messages
from wagtail.admin.auth import user_passes_test

from directory import importing
from directory.forms import CadreImportConfirmForm, CadreImportUploadForm
from directory.models import CadreImport

IMPORT_PERMISSIONS = ("directory.add_cadre", "directory.change_cadre")
# The preview lists at most this many rows per table; a 10,000-row file would make the page unusable.
PREVIEW_ROWS = 200
RECENT_IMPORTS = 10


def can_import(user):
    return user.has_perms(IMPORT_PERMISSIONS)


import_permission_required = user_passes_test(can_import)


@import_permission_required
def upload(request):
    if request.method == "POST":
        form = CadreImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                cadre_import = importing.preview_upload(form.cleaned_data["file"], request.user)
            except importing.ImportFileError as error:
                form.add_error("file", error.message)
            else:
                return redirect("directory_import:preview", pk=cadre_import.pk)
    else:
        form = CadreImportUploadForm()
    return TemplateResponse(
        request,
        "directory/import/upload.html",
        {
            "form": form,
            "columns": importing.COLUMNS,
            "recent_imports": CadreImport.objects.select_related("uploaded_by")[:RECENT_IMPORTS],
            "cadre_list_url": reverse("wagtailsnippets_directory_cadre:list"),
        },
    )


def _capped(rows):
    return {"rows": rows[:PREVIEW_ROWS], "more": max(0, len(rows) - PREVIEW_ROWS), "count": len(rows)}


@import_permission_required
def preview(request, pk):
    cadre_import = get_object_or_404(CadreImport.objects.select_related("uploaded_by"), pk=pk)
    context = {"cadre_import": cadre_import, "is_pending": cadre_import.status == CadreImport.Status.PREVIEWED}
    if context["is_pending"]:
        try:
            plan = importing.load_plan(cadre_import)
        except importing.ImportFileError as error:
            context["error"] = error.message
        else:
            context.update(
                plan=plan,
                create=_capped(plan.create),
                update=_capped(plan.update),
                rejected=_capped(plan.rejected),
                form=CadreImportConfirmForm(require_only_valid=bool(plan.rejected)),
            )
    return TemplateResponse(request, "directory/import/preview.html", context)


@require_POST
@import_permission_required
def confirm(request, pk):
    cadre_import = get_object_or_404(CadreImport, pk=pk)
    form = CadreImportConfirmForm(request.POST)
    only_valid = form.is_valid() and form.cleaned_data["only_valid"]
    try:
        counts = importing.confirm_import(cadre_import, request.user, only_valid=only_valid)
    except importing.CadreImportError as error:
        messages.error(request, error.message)
        return redirect("directory_import:preview", pk=cadre_import.pk)
    messages.success(
        request,
        _(
            "“%(name)s” imported: %(create)s cadres added, %(update)s updated, %(unchanged)s unchanged, "
            "%(rejected)s rejected rows skipped."
        )
        % {"name": cadre_import.original_name, **counts},
    )
    return redirect("wagtailsnippets_directory_cadre:list")
