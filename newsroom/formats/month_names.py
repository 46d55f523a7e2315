"""Month names as they stand inside a date ("5 тамыз", "5 августа"), for makemessages to find.

Django formats the month of a full date with ``pgettext("alt. month", …)``. Its Kazakh catalog capitalises those
names ("5 Тамыз"), which Kazakh does not do inside a date; listing them here puts them in ``locale/``, whose
translations take precedence over Django's own. Nothing imports this module.
"""

from django.utils.translation import pgettext_lazy

ALT_MONTHS = [
    pgettext_lazy("alt. month", "January"),
    pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"),
    pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"),
    pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"),
    pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"),
    pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"),
    pgettext_lazy("alt. month", "December"),
]
