"""Compatibility fixes for ckanext-validation 2.2.0 on CKAN 2.11."""
