# The module, not the class: a class named in this module would become the "newsroom" app's own config.
from django.contrib.admin import apps as admin_apps


class NewsroomAdminConfig(admin_apps.AdminConfig):
    """Django's admin with ``NewsroomAdminSite`` as ``admin.site``; listed in INSTALLED_APPS in its place."""

    default = False
    default_site = "newsroom.admin_site.NewsroomAdminSite"
