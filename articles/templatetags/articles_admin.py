"""Template tags for the admin: a translator's work on the admin index, the article list's date drill-down."""

import copy

from django import template
from django.contrib.admin.templatetags.admin_list import date_hierarchy

from ..translating.worklist import translator_worklists

register = template.Library()


@register.inclusion_tag("admin/articles/translator_worklist.html", takes_context=True)
def translator_worklist(context) -> dict:
    """What waits in a translator's languages, with links to translate, download and see the whole list.

    Put it on the admin index (this project's ``newsroom/templates/admin/index.html`` does); it shows nothing to
    users who are no translators.
    """
    request = context.get("request")
    return {"worklists": translator_worklists(request.user) if request is not None else []}


@register.inclusion_tag("admin/date_hierarchy.html")
def article_date_hierarchy(changelist) -> dict | None:
    """Django's date drill-down (``{% date_hierarchy %}``), its questions answered by the list's
    ``publication_dates()`` (``articles.admin.PublicationDates``), whose cost does not grow with the archive."""
    asked = copy.copy(changelist)
    asked.queryset = changelist.publication_dates()
    return date_hierarchy(asked)
