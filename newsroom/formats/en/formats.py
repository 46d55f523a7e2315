# British-style dates for a news site ("5 August 2016"), day before month in every form, on a 24-hour clock, so
# that the admin's lists, history and drill-downs agree with the pages; the rest comes from Django's English formats.
DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
