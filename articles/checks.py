"""System checks for the app's configuration (ids ``articles.E…`` / ``articles.W…``)."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from modeltranslation.utils import build_localized_fieldname


@register(Tags.compatibility)
def check_languages(app_configs=None, **kwargs) -> list[Error]:
    """Every language the site offers must have translation columns in the database, and vice versa."""
    from .models import Article

    errors = []
    site_languages = [code for code, _name in settings.LANGUAGES]
    column_languages = [
        code for code in settings.MODELTRANSLATION_LANGUAGES
        if any(field.name == build_localized_fieldname("title", code) for field in Article._meta.get_fields())
    ]
    missing_columns = [code for code in site_languages if code not in column_languages]
    if missing_columns:
        errors.append(Error(
            f"LANGUAGES offers {', '.join(missing_columns)}, but articles have no columns for "
            f"{'it' if len(missing_columns) == 1 else 'them'}.",
            hint="Add the language to MODELTRANSLATION_LANGUAGES, then run makemigrations and migrate.",
            id="articles.E001",
        ))
    unoffered = [code for code in column_languages if code not in site_languages]
    if unoffered:
        errors.append(Error(
            f"Articles have columns for {', '.join(unoffered)}, which LANGUAGES does not offer.",
            hint="Add the language to LANGUAGES, or remove it from MODELTRANSLATION_LANGUAGES and migrate.",
            id="articles.E002",
        ))
    return errors
