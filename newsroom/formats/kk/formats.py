# Kazakh date and number formats; Django ships none for "kk". The syntax is Django's date template filter.
# "5 тамыз 2016 ж.": the lower-case month names ("E") come from locale/kk (see newsroom/formats/month_names.py).
DATE_FORMAT = "j E Y \\ж."
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j E Y \\ж. H:i"
YEAR_MONTH_FORMAT = "F Y \\ж."
MONTH_DAY_FORMAT = "j E"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = ["%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # non-breaking space
NUMBER_GROUPING = 3
