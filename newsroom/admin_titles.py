"""Admin page titles per model, so that each language can decline the model's name as its sentence needs.

Django titles a list "Select %s to change" and a form "Add %s", with the model's name in the nominative: Russian
wants "Выберите статью для изменения", "Добавить статью". For the models named here, whole titles are translated
instead; any other model keeps Django's title (translated with the name in the nominative).
"""

from django.utils.translation import gettext_lazy as _

# Keys: "changelist" (Select … to change), "changelist_view" (… to view), "add", "change", "view".
MODEL_TITLES = {
    "articles.article": {
        "changelist": _("Select article to change"), "changelist_view": _("Select article to view"),
        "add": _("Add article"), "change": _("Change article"), "view": _("View article"),
    },
    "articles.author": {
        "changelist": _("Select author to change"), "changelist_view": _("Select author to view"),
        "add": _("Add author"), "change": _("Change author"), "view": _("View author"),
    },
    "articles.section": {
        "changelist": _("Select section to change"), "changelist_view": _("Select section to view"),
        "add": _("Add section"), "change": _("Change section"), "view": _("View section"),
    },
    "auth.user": {
        "changelist": _("Select user to change"), "changelist_view": _("Select user to view"),
        "add": _("Add user"), "change": _("Change user"), "view": _("View user"),
    },
    "auth.group": {
        "changelist": _("Select group to change"), "changelist_view": _("Select group to view"),
        "add": _("Add group"), "change": _("Change group"), "view": _("View group"),
    },
}


class ModelTitlesMixin:
    """Give a ModelAdmin the titles ``MODEL_TITLES`` holds for its model (``NewsroomAdminSite`` adds it to all)."""

    def model_titles(self) -> dict | None:
        return MODEL_TITLES.get(self.model._meta.label_lower)

    def changelist_view(self, request, extra_context=None):
        if titles := self.model_titles():
            key = "changelist" if self.has_change_permission(request) else "changelist_view"
            extra_context = {"title": titles[key], **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if titles := self.model_titles():
            # As Django chooses between "Add %s", "Change %s" and "View %s".
            key = "add" if add else "change" if self.has_change_permission(request, obj) else "view"
            context["title"] = titles[key]
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)
