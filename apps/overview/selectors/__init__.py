"""Reads across areas, for the pages only the overview (above every area) may show."""
