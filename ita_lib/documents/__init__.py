"""Documents: read an agency's measures document and audit documents and assessment files.

``layout`` turns text or .docx into positioned lines and tables; ``importer`` gives them
meaning (sections, scores, suggestions, measures); ``audit`` lists what is wrong.
May import :mod:`ita_lib.analysis`, :mod:`ita_lib.model` and :mod:`ita_lib.text`.
"""
