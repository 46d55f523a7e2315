# The module, not the class: a class named in this module would become the "newsroom" app's own config.
from axes import apps as axes_apps
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _
from reversion import apps as reversion_apps


class NewsroomAdminConfig(admin_apps.AdminConfig):
    """Django's admin with ``NewsroomAdminSite`` as ``admin.site``; listed in INSTALLED_APPS in its place."""

    default = False
    default_site = "newsroom.admin_site.NewsroomAdminSite"


class LoginAttemptsConfig(axes_apps.AppConfig):
    """django-axes under a translated name: its permissions show on the user and group forms as «app | model | …»."""

    default = False
    verbose_name = _("Login attempts")


class RevisionsConfig(reversion_apps.ReversionConfig):
    """django-reversion under a translated name, for the same permission lists."""

    default = False
    verbose_name = _("Revisions")
