"""数据报表: every figure of the dashboard, the boss workbook and the phone picture, computed
once here as plain dataclasses (no Qt), from the other features' public functions.

period      the report's period, the previous one of the same length, presets
stays       memberships and activity as the figures read them (team and merged left out)
kpis        the headline figures with the previous period's
health      per community: members, joins, leaves, active share, retention, roles, warnings
cohorts     join week × weeks since: the share still in and active
thresholds  the warnings' thresholds (a setting)
follow_up   待跟进: slipping-away and at-risk members with a suggested action
build       the whole report; findings: its one-line findings in Chinese
workbook    the .xlsx for the boss; charts: its Excel charts with cached values
cli         `main.py report …`
"""
