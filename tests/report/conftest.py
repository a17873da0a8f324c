"""Fixtures of the report tests (sections, charts, fonts, index, 自评表, report kinds, golden outputs).

None of their own yet: they use the shared ones of tests/conftest.py (root, data_2022, rules_2022,
ev_2022, embedded_font_gaps, external_references). A fixture only this folder uses goes here."""
