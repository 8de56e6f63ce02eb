"""Documents: read an agency's measures document and audit documents and assessment files.

``reading`` turns text or .docx into the positioned paragraphs and tables of ``layout``;
``importer`` gives them meaning (``terms`` and ``sections`` sort them, the ``extract_*``
modules read scores, suggestions, the analysis and measures; ``writer`` writes the result);
``audit`` lists what is wrong, running ``data_rules`` and ``text_rules`` (``audit_context``
is what the rules share).
May import :mod:`ita_lib.analysis`, :mod:`ita_lib.model` and :mod:`ita_lib.text`.
"""
