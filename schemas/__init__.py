"""Schemas, presets, reference code lists and Table Schema templates.

This folder lives at the top of the repository and is installed as the
package ``ckanext.sektoral.schemas`` (see setup.py), so scheming finds
``ckanext.sektoral.schemas:<file>`` from a checkout and from a wheel.
"""
