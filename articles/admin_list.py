"""The rows of the admin's article list, written as Django's ``items_for_result`` writes them, at less cost.

Django works out, for each cell of each row, what its column is (a field, a method of the admin, the object's
``__str__``), its CSS class, whether it links, and the link's address with the list's filters kept (parsing and
resolving that address again); for a list of a hundred rows of nine columns, that is most of the rows' time. Here
it is worked out once per column and once for the address, then each row only asks its values. A list this does
not cover (editable columns, a popup, a column of another kind, an id that is no number) is left to Django.
``tests/test_admin.py`` compares the two on lists of every filter.
"""

import datetime
import html
from collections.abc import Callable
from typing import Any

from django.contrib.admin.templatetags.admin_list import ResultList, results
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import display_for_field, display_for_value
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.utils.functional import Promise
from django.utils.safestring import SafeString

Cell = Callable[[models.Model], SafeString]
# What a column shows of a row, and whether Django would keep it on one line ("nowrap").
Shown = Callable[[models.Model], tuple[Any, bool]]


def format_cell(template: str, *args: Any) -> SafeString:
    """``format_html`` for the cells of the list, which writes a hundred rows of them: the arguments escaped as
    Django's ``conditional_escape`` does (safe strings kept, anything else escaped), at a third of its cost."""
    return SafeString(template.format(*map(escaped, args)))


def escaped(value: Any) -> str:
    """``conditional_escape(value)``, without its laziness wrappers."""
    if isinstance(value, Promise):
        value = str(value)
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


def list_rows(cl) -> list[ResultList]:
    """What Django's ``results(cl)`` gives the list's template: each row, a list of its cells' HTML."""
    # getattr: Django 5.2 sets ``formset`` on the list only in changelist_view, 6.x in the list itself.
    cells = None if getattr(cl, "formset", None) or cl.is_popup or cl.to_field else column_cells(cl)
    if cells is None or not all(isinstance(result.pk, int) for result in cl.result_list):
        return list(results(cl))
    return [ResultList(None, [cell(result) for cell in cells]) for result in cl.result_list]


def column_cells(cl) -> list[Cell] | None:
    """A function per column that writes its cell of a row, or None when a column is of a kind left to Django."""
    cells = []
    first = True
    for name in cl.list_display:
        if not isinstance(name, str):
            return None
        linked = cl.list_display_links is not None and (
            (first and not cl.list_display_links) or name in cl.list_display_links
        )
        found = column_shown(cl, name, linked=linked)
        if found is None:
            return None
        shown, classes = found
        cells.append(cell_around(cl, name, shown, classes, linked=linked, heading=linked and first))
        first = first and not linked
    return cells


def column_shown(cl, name: str, *, linked: bool) -> tuple[Shown, str] | None:
    """What column ``name`` shows of a row and its CSS class, decided as Django's ``lookup_field`` and
    ``items_for_result`` decide it, once for the column."""
    model_admin = cl.model_admin
    empty = model_admin.get_empty_value_display()
    try:
        field = cl.lookup_opts.get_field(name)
    except FieldDoesNotExist:
        field = None
    if field is not None:
        if field.auto_created or field.attname == name != field.name or (
            field.is_relation and not (field.many_to_one and field.concrete)
        ):
            return None
        classes = f"field-{name}" + (
            " nowrap" if isinstance(field, models.DateField | models.TimeField | models.ForeignKey) else ""
        )
        if field.many_to_one:
            def related(result):
                value = getattr(result, name)
                return (empty if value is None else value), False
            return related, classes

        def value(result):
            return display_for_field(getattr(result, name), field, empty, avoid_link=linked), False
        return value, classes
    if name == "__str__":
        method: Callable = str
        attribute = getattr(cl.model, name)
    elif hasattr(model_admin, name) and not isinstance(getattr(type(model_admin), name, None), property):
        method = attribute = getattr(model_admin, name)
        if not callable(method):
            return None
    else:
        return None
    empty_shown = getattr(attribute, "empty_value_display", empty)
    boolean = getattr(attribute, "boolean", False)

    def computed(result):
        value = method(result)
        return display_for_value(value, empty_shown, boolean), isinstance(value, datetime.date | datetime.time)
    return computed, "action-checkbox" if name == "action_checkbox" else f"field-{name}"


def cell_around(cl, name: str, shown: Shown, classes: str, *, linked: bool, heading: bool) -> Cell:
    """The cell around what ``shown`` gives of a row: Django's ``<td class="…">``, or for the linked column its
    ``<th>`` and the link to the row's change form, the list's filters kept."""
    tag = "th" if heading else "td"
    empty = cl.model_admin.get_empty_value_display()

    def shown_or_empty(result) -> tuple[Any, SafeString]:
        try:
            value, nowrap = shown(result)
        except ObjectDoesNotExist:  # a related object gone: Django shows the empty value, in the plain class
            return empty, SafeString(f' class="field-{name}"')
        return value, SafeString(f' class="{classes} nowrap"' if nowrap else f' class="{classes}"')

    if not linked:
        def cell(result):
            value, row_class = shown_or_empty(result)
            return format_cell("<td{}>{}</td>", row_class, value)
        return cell
    # The address of the row with id 0 with the list's filters added, once; from row to row only the id changes.
    address = add_preserved_filters(
        {"preserved_filters": cl.preserved_filters, "opts": cl.opts}, cl.url_for_result(cl.model(pk=0)),
    )
    path, question, query = address.partition("?")
    before, after = path.rsplit("/0/", 1)

    def linked_cell(result):
        value, row_class = shown_or_empty(result)
        return format_cell(
            '<{}{}><a href="{}">{}</a></{}>', tag, row_class, f"{before}/{result.pk}/{after}{question}{query}", value,
            tag,
        )
    return linked_cell
