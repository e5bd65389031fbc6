"""The expression language, both ways: safe parsing of untrusted text, TOML specs, and printing
expressions back in the language."""
