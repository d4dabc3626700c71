"""wfm: workforce management for medical contact centers."""

__version__ = "0.1.0"
