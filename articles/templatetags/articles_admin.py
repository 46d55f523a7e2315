"""Template tags for the admin: a translator's work on the admin index."""

from django import template

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
