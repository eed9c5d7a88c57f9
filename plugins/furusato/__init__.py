"""Furusato's domain model: prefecture profiles, ambassadors, articles, events and pages.

Nothing in this package imports Pelican except ``build`` (the glue that runs Pelican);
the Pelican plugins, ``make check`` and the scaffolding commands all use these types.
"""
