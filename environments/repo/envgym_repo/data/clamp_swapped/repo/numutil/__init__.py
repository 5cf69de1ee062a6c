"""numutil."""
from numutil.ranges import clamp

__all__ = ['clamp']
