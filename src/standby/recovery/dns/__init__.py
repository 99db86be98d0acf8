"""The DNS recovery tracker: when will every public resolver have the fix (docs/recovery.md)."""
