"""Fault-injection tests: the whole system as processes, with crashes, outages, duplicates and poison.

A package (not a plain directory) so its one running system is shared by every module here and stopped
after the last of them.
"""
