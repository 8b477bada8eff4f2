"""Helpers the tests share: opening the page, checking figures, the update rules written out by hand."""
