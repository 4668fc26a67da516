"""Packaging for ckanext-sektoral.

The top-level ``schemas/`` folder (scheming schemas, presets, code lists,
Table Schema templates) is mapped into the package as
``ckanext.sektoral.schemas`` so that it is found the same way from an
editable checkout and from a built wheel.
"""
from setuptools import find_packages, setup

PACKAGES = find_packages(include=["ckanext", "ckanext.*"]) + [
    "ckanext.sektoral.schemas",
]

setup(
    name="ckanext-sektoral",
    version="0.1.0",
    description=(
        "Sectoral statistics cycle (Satu Data Indonesia) inside a CKAN "
        "open-data portal"
    ),
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    license="AGPL-3.0-or-later",
    python_requires=">=3.10",
    packages=PACKAGES,
    package_dir={"ckanext.sektoral.schemas": "schemas"},
    namespace_packages=["ckanext"],
    include_package_data=True,
    package_data={
        "ckanext.sektoral": [
            "config_declaration.yaml",
            "search/config_declaration.yaml",
            "migration/*/*.ini",
            "migration/*/*.py",
            "migration/*/versions/*.py",
            "migration/*/*.mako",
            "migration/*/README",
            "templates/**/*",
            "assets/**/*",
            "i18n/**/*",
        ],
        "ckanext.sektoral.schemas": [
            "*.yaml",
            "*.json",
            "*.csv",
            "codes/*",
            "tables/*",
        ],
    },
    install_requires=[
        "ckanext-scheming>=3.1.0",
        "ckanext-validation>=2.2.0",
        "ckantoolkit",
        "tableschema",
        "tabulator",
        "frictionless>=5.18,<5.19",
        "ckanapi>=4.11",
        "holidays",
        "openpyxl>=3.1",
        "weasyprint>=70",
        "python-docx>=1.2",
        "matplotlib>=3.10",
    ],
    entry_points={
        "ckan.plugins": [
            "sektoral = ckanext.sektoral.plugin:SektoralPlugin",
            "sektoral_pgsearch = ckanext.sektoral.search.plugin:PgSearchPlugin",
        ],
        "babel.extractors": [
            "ckan = ckan.lib.extract:extract_ckan",
        ],
    },
    message_extractors={
        "ckanext": [
            ("**.py", "python", None),
            ("**.js", "javascript", None),
            ("**/templates/**.html", "ckan", None),
        ],
    },
)
