"""The editors' admin site: Django's, branded with the site's name in the editor's language."""

from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles.conf import conf


class NewsroomAdminSite(admin.AdminSite):
    """Django's admin site under the newsroom's name (``ARTICLES_SITE_NAME``) instead of "Django administration"."""

    index_title = _("Site administration")

    @property
    def site_header(self) -> str:
        return gettext("%(site_name)s administration") % {"site_name": conf.ARTICLES_SITE_NAME}

    @property
    def site_title(self) -> str:
        # Translators: the end of every admin page's <title>, after the page's own title.
        return gettext("%(site_name)s admin") % {"site_name": conf.ARTICLES_SITE_NAME}
