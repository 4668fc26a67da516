"""The plain-Python core of ckanext-sektoral.

Stages and transitions of the SOP, the working-day calendar and schedule,
metadata completeness, BPS symbols, the data-list parser, the reader of a
BPS data file with its Table Schema, statistics, series (also over a
statistic's releases) and tables, code lists, charts, Indonesian
formatting and the JSON contracts of the actions (``TypedDict``). The
CKAN adapters (``logic``, ``views``, ``documents``, ``insight``,
``publication`` ...) import it; it imports neither CKAN nor them
(``pyproject.toml``'s import contract, run by
``scripts/lint.sh``), so it is exercised without a CKAN app.
"""
