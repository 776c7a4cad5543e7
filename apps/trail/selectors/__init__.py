"""Reads of the audit trail, by purpose: `rows` (what they return), `trail` (the merged, filtered, keyset-paged
list and its CSV stream), `object_history` (one object's timeline), `entries` (one entry), `choices` (the
filters' options)."""
