"""Pages: documents (see views/__init__.py)."""
from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("sektoral_documents", __name__)
