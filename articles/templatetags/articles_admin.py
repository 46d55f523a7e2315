"""Template tags for the admin: a translator's work on the admin index, the article list's date drill-down and
rows."""

import copy
import inspect

from django import template
from django.contrib.admin.templatetags.admin_list import date_hierarchy, result_headers, result_hidden_fields, results
from django.contrib.admin.templatetags.base import InclusionAdminNode

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


def article_result_list_context(changelist) -> dict:
    """Django's ``{% result_list %}``'s context, its rows asked of the list when it writes them
    (``ArticleChangeList.rows()``)."""
    headers = list(result_headers(changelist))
    return {
        "cl": changelist,
        "result_hidden_fields": list(result_hidden_fields(changelist)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for header in headers if header["sortable"] and header["sorted"]),
        "results": changelist.rows() if hasattr(changelist, "rows") else list(results(changelist)),
    }


@register.tag(name="article_result_list")
def article_result_list(parser, token):
    """Django's ``{% result_list cl %}`` for a list whose ``rows()`` writes its rows (``ArticleChangeList``: the same
    HTML as Django's, at less cost)."""
    node_arguments = {"func": article_result_list_context, "template_name": "change_list_results.html",
                      "takes_context": False}
    if "name" in inspect.signature(InclusionAdminNode).parameters:  # Django 6.0 and later name the tag first
        return InclusionAdminNode("article_result_list", parser, token, **node_arguments)
    return InclusionAdminNode(parser, token, **node_arguments)
