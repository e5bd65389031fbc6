"""Losses and reports for people: LaTeX, one-line text, conditions, summaries (text and JSON),
figures."""
