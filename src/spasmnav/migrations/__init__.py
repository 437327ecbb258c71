"""Alembic migrations of the diary database, shipped inside the package.

Run them with :func:`spasmnav.diary.store.upgrade` (done automatically on first use) or with the
``alembic`` command and ``-x url=…``; ``env.py`` falls back to the URL from the settings.
"""
