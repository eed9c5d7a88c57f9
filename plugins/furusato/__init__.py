"""Furusato's core, with no Pelican in it: the schemas, typed entities, URL contract, settings,
errors and wording that every other layer uses.

Its subpackages are the layers above it: `reading` (load and validate a repository) and
`commands` (the command line). The Pelican plugins beside this package (`furusato_engine` and
one per output family) import from here; nothing here imports them.
"""
