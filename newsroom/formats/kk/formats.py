# Kazakh date and number formats; Django ships none for "kk". The syntax is Django's date template filter.
# Year first, as CLDR writes Kazakh dates (y 'ж'. d MMMM): "2016 ж. 5 тамыз", "2016 ж. тамыз". The month names
# come lower-case, as they stand in a date, from locale/kk's "alt. month" ("E", see newsroom/formats/month_names.py);
# Kazakh does not decline them there, so the same "E" serves a month with a day and a month with a year. Django's
# own "F" is the capitalised name of a month standing alone ("Тамыз").
DATE_FORMAT = "Y \\ж. j E"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "Y \\ж. j E, H:i"
YEAR_MONTH_FORMAT = "Y \\ж. E"
MONTH_DAY_FORMAT = "j E"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = ["%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # non-breaking space
NUMBER_GROUPING = 3
