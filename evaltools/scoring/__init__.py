"""The scoring layer: rule sets (:mod:`.rules`), grades (:mod:`.grading`), rates (:mod:`.rates`),
indicator and project scores (:mod:`.indicators`), the audit (:mod:`.audit`) and
:func:`~.evaluation.evaluate`. Reads :mod:`evaltools.data`; knows nothing of reports or runs."""
