"""The project's file system: folders, shortcuts and the objects filed in them.

Follows posthog/api/file_system/file_system.py (`FileSystemViewSet`, scope_object "file_system"),
posthog/api/file_system/deletion.py and posthog/models/file_system/:
- paths are "/"-separated, a "/" inside a name escaped as "\\/"; the list filters by depth, parent, path, type,
  ref, dates and a search language, orders folders first when browsing a depth, and names the creators (`users`);
- `move` and `link` take the full `new_path`; parent folders are made as needed; moving a folder moves
  everything under it; linking makes shortcut copies; `count` (a folder) and `count_by_path` (`?path=`; the
  reference page lists it as a body field, so both are read) count everything below;
- deleting an entry deletes its object when no other entry refers to it, softly where the object can be
  restored; `undo_delete` restores it, at the path given or where it was, filed anew;
- `unfiled` files every object that has no entry yet under "Unfiled/<Type>" and answers `{count}`;
- `log_view` records (POST) and lists (GET, newest first) what the key's user viewed.

Per profile (`state.newest_code`): the newest code lists its actions (unfiled, count, count_by_path read; move,
link, log_view even for GET, undo_delete write) among the scoped ones; older code lists none, so a scoped
personal API key is refused there ("This action does not support personal API key access"). The newest
`count`/`count_by_path` add a preview of the entries (`entries`, `has_more`), and the newest `undo_delete`
refuses anything it cannot restore with one message; older code words an unsupported type and answers 404 for
an unknown object.
"""

from simulator.areas.file_system import routes  # noqa: F401
from simulator.areas.file_system.seed import seed
from simulator.areas.file_system.state import file_object

__all__ = ["file_object", "seed"]
