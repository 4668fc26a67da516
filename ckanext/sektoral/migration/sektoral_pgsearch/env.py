"""Alembic environment of this plugin's own tables (see
ckanext/sektoral/model/alembic_env.py)."""
from ckanext.sektoral.model.alembic_env import run

run(__file__)
