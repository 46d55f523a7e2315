"""Django's user and group admins, with the permissions named in the editor's language.

Django stores a permission's name in English when it creates it ("Can add article") and shows that name as it is;
here the four default permissions of every model are named from translated strings and the model's translated
name, and any other permission by translating its stored name (our own are marked for translation in Meta).
"""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, SetUnusablePasswordMixin
from django.contrib.auth.models import Group, Permission, User
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

DEFAULT_PERMISSION_NAMES = {
    "add": _("Can add %(name)s"),
    "change": _("Can change %(name)s"),
    "delete": _("Can delete %(name)s"),
    "view": _("Can view %(name)s"),
}


def permission_label(permission: Permission) -> str:
    """"<app> | <model> | <permission>", every part in the current language."""
    model = permission.content_type.model_class()
    if model is None:
        return str(permission)
    action, _separator, model_name = permission.codename.partition("_")
    if action in DEFAULT_PERMISSION_NAMES and model_name == model._meta.model_name:
        name = DEFAULT_PERMISSION_NAMES[action] % {"name": model._meta.verbose_name}
    else:
        name = gettext(permission.name)
    return f"{permission.content_type} | {name}"


def name_relationships() -> None:
    """Name the rows that tie users, groups and permissions together in the editor's language.

    Django names them "Group-permission relationship" and each one "Group_permissions object (1)", in English
    whatever the language (the name is made once, when the model is), and a group's or a user's delete
    confirmation lists them all.
    """
    relationships = [
        (Group.permissions.through, _("permission of a group"), _("permissions of groups"),
         lambda row: f"{row.group} — {permission_label(row.permission)}"),
        (User.groups.through, _("group membership"), _("group memberships"),
         lambda row: f"{row.user} — {row.group}"),
        (User.user_permissions.through, _("permission of a user"), _("permissions of users"),
         lambda row: f"{row.user} — {permission_label(row.permission)}"),
    ]
    for through, name, plural, describe in relationships:
        through._meta.verbose_name, through._meta.verbose_name_plural = name, plural
        through.__str__ = describe  # type: ignore[method-assign,assignment]


class TranslatedPermissionsMixin:
    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request=request, **kwargs)
        if formfield is not None and db_field.remote_field.model is Permission:
            formfield.label_from_instance = permission_label
        return formfield


class NewsroomGroupAdmin(TranslatedPermissionsMixin, GroupAdmin):
    pass


class PasswordChangeForm(AdminPasswordChangeForm):
    # Django builds this help text by adding an English warning to the lazy string at import time, which leaves
    # all of it in English; the same text, kept lazy, with the warning translated.
    usable_password_help_text = format_lazy(
        '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
        SetUnusablePasswordMixin.usable_password_help_text,
        _("If disabled, the current password for this user will be lost."),
    )


class NewsroomUserAdmin(TranslatedPermissionsMixin, UserAdmin):
    change_password_form = PasswordChangeForm


name_relationships()
admin.site.unregister(Group)
admin.site.register(Group, NewsroomGroupAdmin)
admin.site.unregister(User)
admin.site.register(User, NewsroomUserAdmin)
