"""SpasmNav: triage and self-help navigator for involuntary leg contractions."""

__version__ = "0.1.0"
