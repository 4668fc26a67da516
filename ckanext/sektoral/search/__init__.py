"""PostgreSQL search backend (plugin ``sektoral_pgsearch``).

Replaces Solr for CKAN's dataset index: CKAN still builds the Solr
documents and queries (``ckan.lib.search``); :mod:`.backend` stores and
answers them in PostgreSQL.

Modules:

* :mod:`.lucene` -- tokenizer and recursive-descent parser of the Lucene
  query subset (``q``/``fq``);
* :mod:`.sql` -- compiles the parse tree into parameterised SQL;
* :mod:`.backend` -- ``PgSearchConnection``, the pysolr-compatible client
  (``add``, ``delete``, ``commit``, ``search``);
* :mod:`.config` -- getters of the options this plugin declares;
* :mod:`.patch` -- the (isolated) monkeypatching of ``ckan.lib.search``;
* :mod:`.plugin` -- the ``sektoral_pgsearch`` plugin.

Search parameters understood: ``q`` (``defType`` lucene, dismax or
edismax with ``mm``; ``q.op``), ``fq`` (string or list), ``sort``,
``rows``, ``start``, ``fl`` (names, globs, ``*``, ``score``), ``facet``,
``facet.field``, ``facet.limit``, ``facet.mincount``, ``facet.sort`` and
their ``f.<field>.`` overrides. ``qf``, ``tie``, ``bf``, ``boost``,
``df``, ``wt`` are accepted and ignored (unqualified terms search the
weighted full-text vector, whose weights mirror CKAN's default ``qf``).
"""
