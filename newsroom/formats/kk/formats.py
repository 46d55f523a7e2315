# Kazakh date and number formats; Django ships none for "kk". The syntax is Django's date template filter.
# Kazakh writes the year first in full dates ("2016 жылғы 5 тамыз"); month names come from the catalogs.
DATE_FORMAT = "Y \\ж\\ы\\л\\ғ\\ы j E"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "Y \\ж\\ы\\л\\ғ\\ы j E, H:i"
YEAR_MONTH_FORMAT = "Y \\ж\\. F"
MONTH_DAY_FORMAT = "j E"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = ["%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # non-breaking space
NUMBER_GROUPING = 3
