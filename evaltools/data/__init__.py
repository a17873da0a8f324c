"""The data layer: input columns declared once (:mod:`.schema`), cell parsing (:mod:`.cells`), reading
CSV folders, YAML and workbooks (:mod:`.load`), cross-table validation (:mod:`.validate`), the
:class:`~.model.YearData` model, discovery of years and units (:mod:`.discover`) and writing folders,
workbooks and the blank template (:mod:`.workbook`). Imports nothing above it."""
