# British-style dates for a news site ("5 August 2016"); everything else comes from Django's English formats.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
