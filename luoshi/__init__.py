"""落实 (luoshi): a county government's system for making sure decided work gets done."""

__version__ = "0.1.0"
