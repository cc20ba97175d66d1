"""Atomic file writes: the old file survives any failure of the new write.

A write that fails midway (disk full, a file size limit, Ctrl-C) through a plain
``open(path, "w")`` leaves a truncated file that may even look valid. Here the data
goes to a temporary file beside the target, is flushed and fsynced, and only then
renamed over the target with :func:`os.replace` (atomic on POSIX and Windows within
one file system). On any failure, ``KeyboardInterrupt`` included, the temporary file
is removed and the target is untouched.
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

__all__ = ["atomic_write"]

_ATTEMPTS = 100


def _create_beside(target: str) -> tuple[int, str]:
    """A new, exclusive temporary file in the target's folder: (descriptor, path)."""
    folder, name = os.path.split(target)
    for _ in range(_ATTEMPTS):
        temporary = os.path.join(folder, f".{name}.{secrets.token_hex(4)}.tmp")
        try:
            # 0o666 as open() would use, so the umask applies as it does there
            return os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), (
                temporary
            )
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary file name beside {target}")


@contextmanager
def atomic_write(
    path, mode: str = "w", *, encoding: str | None = "utf-8", newline: str | None = None
) -> Iterator[IO]:
    """Open a file to write that replaces ``path`` only once it is complete.

    Parameters
    ----------
    path : str or path-like
        The file to write. If it is a symbolic link, the file it points to is
        replaced (as ``open(path, "w")`` would write through the link).
    mode : {"w", "wb"}, default="w"
        Text or binary.
    encoding : str or None, default="utf-8"
        Text encoding (ignored in binary mode).
    newline : str or None, default=None
        As for :func:`open` (use ``""`` for :mod:`csv` and pandas ``to_csv``).

    Yields
    ------
    file : file object
        Write to it inside the ``with`` block.

    Notes
    -----
    An existing target keeps its permission bits; a new file gets what
    ``open`` would give it (0o666 less the umask).

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "out.txt")
    >>> with atomic_write(path) as file:
    ...     _ = file.write("complete\\n")
    >>> open(path).read()
    'complete\\n'
    >>> try:
    ...     with atomic_write(path) as file:
    ...         _ = file.write("half")
    ...         raise OSError("disk full")
    ... except OSError:
    ...     pass
    >>> open(path).read()
    'complete\\n'
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"mode must be 'w' or 'wb', got {mode!r}")
    target = os.fspath(path)
    if os.path.islink(target):
        target = os.path.realpath(target)
    descriptor, temporary = _create_beside(target)
    try:
        if "b" in mode:
            file = os.fdopen(descriptor, mode)
        else:
            file = os.fdopen(descriptor, mode, encoding=encoding, newline=newline)
        with file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        try:
            os.chmod(temporary, stat.S_IMODE(os.stat(target).st_mode))
        except FileNotFoundError:
            pass  # a new file: keep the mode open() would have given it
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise
