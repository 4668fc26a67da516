"""Data files of the producers: what is refused at the door, what is
checked after Frictionless, and how every problem is explained.

* :mod:`.door` -- plain Python: a data file is refused at upload when it
  cannot be a table the portal reads (empty, over the size limit, not
  UTF-8, UTF-16, binary, HTML/JSON named .csv, ODS, ZIP, PDF, image);
* :mod:`.content` -- plain Python on top of Frictionless/openpyxl: checks
  Frictionless does not make (no data rows, other sheets with data, title
  rows above the header, total and "Sumber:" rows, numbers whose reading
  is ambiguous under the template's separators) and a compact report;
* :mod:`.explain` -- plain Python: every error of a report as an English
  msgid with parameters (column, spreadsheet row, value, what to do),
  grouped and capped;
* :mod:`.hooks` -- the CKAN side: the upload hook, the receiver of
  ckanext-validation's reports and the helper the pages use.
"""
