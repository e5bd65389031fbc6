"""The fixed words of each document language, and the catalog's conventions in Chinese."""
