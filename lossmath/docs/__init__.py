"""Derivation documents: the document model with its Markdown, LaTeX and PDF backends, and
reports for any loss."""
