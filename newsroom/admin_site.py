"""The editors' admin site: Django's, branded with the site's name in the editor's language."""

from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles.conf import conf

from .admin_titles import ModelTitlesMixin


class NewsroomAdminSite(admin.AdminSite):
    """Django's admin site under the newsroom's name (``ARTICLES_SITE_NAME``) instead of "Django administration".

    Every ModelAdmin registered here gets ``ModelTitlesMixin``: its list and form titles are translated per model.
    """

    index_title = _("Site administration")

    @property
    def site_header(self) -> str:
        return gettext("%(site_name)s administration") % {"site_name": conf.ARTICLES_SITE_NAME}

    @property
    def site_title(self) -> str:
        # Translators: the end of every admin page's <title>, after the page's own title.
        return gettext("%(site_name)s admin") % {"site_name": conf.ARTICLES_SITE_NAME}

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, ModelTitlesMixin):
            admin_class = type(admin_class.__name__, (ModelTitlesMixin, admin_class), {
                "__module__": admin_class.__module__, "__doc__": admin_class.__doc__,
            })
        super().register(model_or_iterable, admin_class, **options)
