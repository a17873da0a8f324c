"""The finance bureau's 复核 of a year (issue 21): the reviewer's workbooks and lists (:mod:`.workbooks`:
复核底稿, 复核问题清单, 整改台账), the bureau report's view and charts."""
