"""The base of the library's enums (private)."""

import enum

__all__ = ["ShortReprEnum"]


class ShortReprEnum(enum.Enum):
    """An enum whose ``repr`` is ``Class.MEMBER``, as it is written in code."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}.{self.name}"
