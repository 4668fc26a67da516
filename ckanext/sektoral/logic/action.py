"""Actions of ckanext-sektoral (registered by ``tk.blanket.actions``).

Every action is prefixed ``sektoral_``, calls ``tk.check_access`` with its
own name first, and carries a docstring that ``help_show`` serves.
"""
from __future__ import annotations

__all__: list[str] = []
