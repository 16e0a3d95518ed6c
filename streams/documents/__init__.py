"""Reading article documents (spool files, saved pages, JSON lines) the one way the pipeline reads them.

The spool connector, ``explain``, ``dedupe-check``, ``backfill`` and replay all load inputs through
``streams.documents.loader``, so an offline run sees the text, date and id the worker saw.
"""
