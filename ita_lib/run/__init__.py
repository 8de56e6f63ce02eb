"""Run: notebook parameters and notebook execution with papermill and nbconvert (I/O edge).

:mod:`~ita_lib.run.parameters` checks each notebook's parameters;
:mod:`~ita_lib.run.execution` runs any of the package's notebooks (one path, one failure
path); :mod:`~ita_lib.run.export` turns an executed notebook into one HTML page.

May import :mod:`ita_lib.views`, :mod:`ita_lib.render` and everything below them.
"""
