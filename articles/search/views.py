"""The search page, ``/<lang>/search/?q=…``: the page language's published articles that match, best first."""

from datetime import date

from django import forms
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from ..caching import generation_key
from ..conf import conf
from ..markdown.typography import typeset_text
from ..models import ArticleAddresses, Section
from ..views import ArticleListPage
from . import DATE, RELEVANCE, search_articles
from .text import MAX_QUERY_LENGTH, highlight, plain_text, snippet


class IsoDateInput(forms.DateInput):
    """A browser's date picker; a value typed into the address that is not a date is shown empty (the field's
    error says why), since ``<input type="date">`` may only hold a date."""

    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")

    def format_value(self, value):
        if isinstance(value, str):
            try:
                return date.fromisoformat(value).isoformat()
            except ValueError:
                return None
        return super().format_value(value)


class SectionChoices(forms.models.ModelChoiceIterator):
    """The sections, read once per form in one query. Django's iterator reads them through ``iterator()``, which
    on PostgreSQL opens a server-side cursor (three round trips), and again for each time the field is shown."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for section in self.queryset:  # evaluated once, then the queryset's cache
            yield self.choice(section)


class SectionField(forms.ModelChoiceField):
    iterator = SectionChoices


class SearchForm(forms.Form):
    """What a reader searches for and how to narrow it; each invalid filter is reported and left out."""

    q = forms.CharField(label=_("Search for"), required=False)
    section = SectionField(Section.objects.all(), label=_("Section"), required=False, empty_label=_("All sections"))
    since = forms.DateField(label=_("From"), required=False, widget=IsoDateInput)
    until = forms.DateField(label=_("To"), required=False, widget=IsoDateInput)
    sort = forms.ChoiceField(
        label=_("Order"), required=False,
        choices=[(RELEVANCE, _("Most relevant first")), (DATE, _("Newest first"))],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Longer input is cut rather than refused (see text.MAX_QUERY_LENGTH); the field says how much counts.
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs["maxlength"] = MAX_QUERY_LENGTH

    def clean(self) -> dict:
        super().clean()
        since, until = self.cleaned_data.get("since"), self.cleaned_data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date is before the start date."))
        return self.cleaned_data

    def value(self, name: str):
        """A field's cleaned value, or None when it was left empty or is invalid."""
        return self.cleaned_data.get(name) or None


def result_fields(language: str) -> list[str]:
    """What a page of results reads of each article: its text in ``language``, its addresses (a slug in another
    language when it has none in this one) and what loading an article reads. The three languages' bodies, in
    Markdown and HTML, were most of what the database sent and the ORM loaded."""
    return [
        "section_id", "body_html_version",
        *(build_localized_fieldname(name, language) for name in ("title", "lead", "body_html", "published_at")),
        *(build_localized_fieldname("slug", code) for code in conf.ARTICLES_LANGUAGES),
    ]


SEARCH_FILTERS_TEMPLATE = "articles/includes/search_filters.html"


class SearchView(ArticleListPage):
    """Results in the page's language only, highlighted, paginated; filters by section and publication day."""

    template_name = "articles/search.html"

    def get_queryset(self):
        self.form = SearchForm(self.request.GET)
        self.form.is_valid()
        section = self.form.value("section")
        self.query, self.results = search_articles(
            text=self.form.value("q") or "",
            language=get_language(),
            section_id=section.pk if section else None,
            since=self.form.value("since"),
            until=self.form.value("until"),
            order=self.form.value("sort") or RELEVANCE,
            fields=result_fields(get_language()),
        )
        return self.results

    def paginate_queryset(self, queryset, page_size):
        """The page asked for is read with the count (``SearchResults.expect_page``)."""
        page = self.kwargs.get(self.page_kwarg) or self.request.GET.get(self.page_kwarg) or 1
        if str(page).isdigit() and int(page) >= 1:
            queryset.expect_page((int(page) - 1) * page_size, int(page) * page_size)
        return super().paginate_queryset(queryset, page_size)

    def get_language_urls(self) -> dict[str, str]:
        """The same search in each language: the query goes along, the page number does not."""
        return {code: f"{url}?{query}" if (query := self.search_parameters()) else url
                for code, url in super().get_language_urls().items()}

    def search_parameters(self) -> str:
        parameters = self.request.GET.copy()
        parameters.pop("page", None)
        return parameters.urlencode()

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        language = get_language()
        # What the template shows of each result, worked out here: a tag or a method call per result in the
        # template (an address reversed per article and per section) was most of the template's time.
        addresses = ArticleAddresses()
        sections: dict[int, tuple[str, str]] = {}
        for article in context["articles"]:
            title, lead = (
                typeset_text(article.translated(field, language) or "", language) for field in ("title", "lead")
            )
            article.search_title = highlight(title, self.query)
            article.search_lead = highlight(lead, self.query)
            article.search_snippet = snippet(plain_text(article.translated("body_html", language)), self.query)
            article.search_url = addresses(article)
            article.search_published_at = article.translated("published_at", language)
            if article.section_id is not None:
                if article.section_id not in sections:
                    sections[article.section_id] = (str(article.section), article.section.get_absolute_url())
                article.search_section_name, article.search_section_url = sections[article.section_id]
        parameters = self.search_parameters()
        context.update(
            form=self.form, query=self.query, page_query=f"{parameters}&" if parameters else "",
            more_than_counted=self.results.more_than_counted, search_filters=self.unset_filters(language),
        )
        return context

    def unset_filters(self, language: str) -> str:
        """The form's filters as HTML when the request sets none of them (most searches), the same for every such
        search in ``language``: kept under the content generation (the sections' names), since rendering the
        form's widgets, and reading the sections for them, was a tenth of the page's time. Else empty: the
        template renders them."""
        if any(name in self.request.GET for name in self.form.fields if name != "q"):
            return ""
        key = generation_key("search-filters", language)
        if (rendered := cache.get(key)) is None:
            rendered = render_to_string(SEARCH_FILTERS_TEMPLATE, {"form": self.form}, request=self.request)
            cache.set(key, rendered, conf.ARTICLES_PAGE_CACHE_SECONDS)
        return mark_safe(rendered)  # the template's own output
