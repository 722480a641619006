"""Windowing service: scenes + transcript of a video into candidate clip windows.

The pure core (`timeframe`, `transcript`, `sentences`, `scenes`, `windows`) turns a `Video` and a
`ClipBatchConfig` into sorted, deterministic `Window`s; the shell (`handlers`, `repository`, `app`)
loads the video, stores the windows and publishes `windows.ready`.
"""
