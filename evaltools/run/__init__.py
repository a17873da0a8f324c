"""The run layer: one report (:mod:`.runner`: validate → papermill → export → atomic move), batches
(:mod:`.batch`) on the executors of :mod:`.executors`, and synthetic demo data (:mod:`.synthetic`,
which scores its own published figures and so sits above scoring)."""
