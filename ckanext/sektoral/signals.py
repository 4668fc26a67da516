"""Signals the extension sends, in CKAN's ``ckanext`` namespace.

Side effects subscribe to them through the plugin's
``ISignal.get_signal_subscriptions()`` (``subscriptions.py``); the code
that sends them never imports its subscribers.
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk

#: Sent by the transition engine (:mod:`ckanext.sektoral.logic.service`)
#: once per committed unit of work: one transition of one item, or one
#: batch (a bulk step, the publication of a cycle). Never sent for a
#: transition that was refused or rolled back.
#:
#: * ``sender``: the transition's name (``"request"``, ``"publish"``,
#:   ``"withdraw"``, ...), so a receiver may subscribe to one name;
#: * ``rows``: the audit-log rows written, as plain dicts (``id``,
#:   ``package_id``, ``cycle_id``, ``transition``, ``from_stage``,
#:   ``to_stage``, ``actor_id``, ``actor_name``, ``position``, ``note``,
#:   ``created``);
#: * ``publication``: for the publication of a whole cycle, its record
#:   (``cycle_id``, ``package_id`` of the ``publikasi``, ...), else None;
#: * ``cycle``: the cycle's id when the batch was the step for a whole
#:   cycle (``sektoral_bulk_transition`` with ``cycle``), else None.
transition = tk.signals.ckanext.signal("sektoral:transition")
