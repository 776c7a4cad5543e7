"""What the plugins area's templates show that is neither a read nor a write, one module per subject.

`logs` (a log entry as a row), `plugins` (a plugin as the pages show it), `configs` (a config's settings) and
`source` (a plugin's source, highlighted, and the diff of an edit). The log row is named here as well, because
history's log explorer shows the same rows.
"""

from apps.plugins.presenters.logs import LogRow, log_row

__all__ = ["LogRow", "log_row"]
