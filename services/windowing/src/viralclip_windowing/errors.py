"""Domain errors of windowing; their messages are written for the creator who asked for clips."""


class WindowingError(ValueError):
    """The video cannot be cut into windows; `str(error)` says why and what to do."""


class TimeframeOutsideVideo(WindowingError):
    """The processing timeframe starts at or after the end of the video."""


class NothingToWindow(WindowingError):
    """Neither speech nor scenes remain to build windows from."""
