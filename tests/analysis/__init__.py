"""Tests of ckanext.sektoral.analysis."""
