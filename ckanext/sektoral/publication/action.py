"""Actions of publication (cycle publication, revisions, withdrawal,
national portal push). Registered by plugin.py from ``__all__``."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context, DataDict

from ckanext.sektoral.core import contracts
from ckanext.sektoral.logic import schema
from ckanext.sektoral.logic import service as wf
from ckanext.sektoral.publication import remote, service

__all__: list[str] = [
    "sektoral_cycle_publish",
    "sektoral_publication_show",
    "sektoral_reopen",
    "sektoral_withdraw",
    "sektoral_push",
    "sektoral_push_status",
]


@tk.validate_action_data(schema.sektoral_cycle_publish_schema)
def sektoral_cycle_publish(context: Context,
                           data_dict: DataDict) -> contracts.CyclePublished:
    """Step 6: publish a cycle on the portal, all or nothing.

    Every approved (``disetujui``) item of the cycle is published
    (``dipublikasikan``, one audit row each): a statistic's first item
    becomes public, a later cycle's submission is released into its
    statistic (its metadata and files; the submission stays private). The
    cycle's approved report
    version becomes a public ``publikasi`` dataset (the report files as
    its resources, ``dataset_tercakup`` linking the datasets,
    ``tanggal_terbit`` today) and the publication is recorded. One
    database transaction: if anything fails, nothing is published. Refused
    when the cycle has no approved report. Walidata staff.

    :param id: code or id of the cycle
    :type id: string
    :param note: note recorded in the audit log (optional)
    :type note: string
    :returns: ``{"publication": {...}, "publikasi": package dict,
        "published": [ids of the public datasets released],
        "submissions": [ids of the items published]}``
    :rtype: dictionary

    Example::

        ckanapi action sektoral_cycle_publish id=2026-S1
    """
    tk.check_access("sektoral_cycle_publish", context, data_dict)
    return service.publish_cycle(context, data_dict["id"], data_dict["note"])


@tk.validate_action_data(schema.sektoral_id_schema)
@tk.side_effect_free
def sektoral_publication_show(context: Context, data_dict: DataDict
                              ) -> contracts.PublicationPreview:
    """What publishing a cycle would do, or what it did: the approved
    datasets waiting, the number of items not yet approved, the approved
    report version and the publication record (None before).

    :param id: code or id of the cycle
    :type id: string

    Example::

        ckanapi action sektoral_publication_show id=2026-S1
    """
    tk.check_access("sektoral_publication_show", context, data_dict)
    return service.publication_preview(data_dict["id"])


@tk.validate_action_data(schema.sektoral_transition_schema)
def sektoral_reopen(context: Context,
                    data_dict: DataDict) -> contracts.NoticeTransition:
    """Reopen a published dataset for a logged revision, with a required
    note. The dataset stays public with a revision notice; it goes back to
    the draft report (``dalam_laporan``), is checked and approved again
    and published again with ``sektoral_publish``. Walidata staff.

    :param id: id or name of the dataset
    :type id: string
    :param note: what is corrected and why (public)
    :type note: string
    :param version: the item's ``version`` the caller saw (optional)
    :type version: int
    :returns: the audit-log row with ``status`` and ``notice``

    Example::

        ckanapi action sektoral_reopen id=DATASET note="Koreksi angka 2023"
    """
    tk.check_access("sektoral_reopen", context, data_dict)
    return service.reopen(context, data_dict["id"], data_dict["note"],
                          data_dict.get("version"))


@tk.validate_action_data(schema.sektoral_transition_schema)
def sektoral_withdraw(context: Context,
                      data_dict: DataDict) -> contracts.NoticeTransition:
    """Withdraw a published dataset with a public notice (required note)
    that stays on its page; the stage becomes ``ditarik`` (final) and the
    national portal copy is marked withdrawn. Walidata staff.

    :param id: id or name of the dataset
    :type id: string
    :param note: the public withdrawal notice
    :type note: string
    :param version: the item's ``version`` the caller saw (optional)
    :type version: int

    Example::

        ckanapi action sektoral_withdraw id=DATASET \\
            note="Ditarik: sumber data direvisi oleh OPD"
    """
    tk.check_access("sektoral_withdraw", context, data_dict)
    return service.withdraw(context, data_dict["id"], data_dict["note"],
                            data_dict.get("version"))


def _targets(data_dict: DataDict) -> list[str]:
    if data_dict.get("cycle"):
        cycle = wf.get_cycle(str(data_dict["cycle"]))
        return remote.cycle_packages(cycle.id)
    pkg = model.Package.get(data_dict["id"])
    if pkg is None or pkg.state == "deleted":
        raise tk.ObjectNotFound(tk._("Dataset not found"))
    return [pkg.id]


@tk.validate_action_data(schema.sektoral_push_schema)
def sektoral_push(context: Context,
                  data_dict: DataDict) -> contracts.PushQueued:
    """Queue the push of published datasets to the national portal
    (background job on the ``sektoral`` queue, retried on failure). Pushing
    again updates the remote copies, never duplicates them. Walidata staff.

    :param cycle: code or id of a cycle: its published datasets and its
        ``publikasi`` (or ``id``)
    :type cycle: string
    :param id: id or name of one dataset
    :type id: string
    :returns: ``{"queued": [{"package_id", "job_id"}]}``

    Example::

        ckanapi action sektoral_push cycle=2026-S1
    """
    tk.check_access("sektoral_push", context, data_dict)
    if not remote.configured():
        raise tk.ValidationError({"portal": [tk._(
            "The national portal is not configured "
            "(ckanext.sektoral.portal.url)")]})
    ids = _targets(data_dict)
    refused = [i for i in ids if not remote.pushable(i)]
    if refused:
        raise tk.ValidationError({"id": [tk._(
            "Only published datasets are pushed to the national portal")]})
    if not ids:
        raise tk.ValidationError({"cycle": [tk._(
            "Nothing of this cycle is published yet")]})
    return {"queued": [{"package_id": i, "job_id": remote.enqueue(i)}
                       for i in ids]}


@tk.validate_action_data(schema.sektoral_push_schema)
@tk.side_effect_free
def sektoral_push_status(context: Context,
                         data_dict: DataDict) -> list[contracts.PushStatus]:
    """National portal push state of a cycle's published datasets (or of
    one dataset): remote name and id, ``status`` (never, queued, pushed,
    withdrawn, error), attempts, last push, last error.

    :param cycle: code or id of a cycle (or ``id``)
    :type cycle: string
    :param id: id or name of one dataset
    :type id: string

    Example::

        ckanapi action sektoral_push_status cycle=2026-S1
    """
    tk.check_access("sektoral_push_status", context, data_dict)
    return remote.status(_targets(data_dict))
