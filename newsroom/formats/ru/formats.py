# A day and a month take the month in the genitive, "14 октября" ("E"), as Django's full Russian dates already do;
# Django's own MONTH_DAY_FORMAT ("j F") gives "14 Октябрь" in the admin's date drill-down. The rest is Django's.
MONTH_DAY_FORMAT = "j E"
