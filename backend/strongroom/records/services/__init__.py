"""Writes over records, one module per subdomain (import from the module that owns the
function; this package re-exports nothing):

- :mod:`~strongroom.records.services.crates`: crate numbering, a new ``PENDING`` crate with its
  documents, the correction of its document rows, its retention recomputed;
- :mod:`~strongroom.records.services.documents`: the rules of document rows and the retention
  default of a document type;
- :mod:`~strongroom.records.services.csv_import`: CSV import of document rows;
- :mod:`~strongroom.records.services.holds`: legal hold placed and released (signed);
- :mod:`~strongroom.records.services.attachments`: scans attached to documents;
- :mod:`~strongroom.records.services.inventory`: what an inventory audit's reconciliation does
  to a crate (its location corrected, marked missing) and the refusal of a missing crate.
"""
