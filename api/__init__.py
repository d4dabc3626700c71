"""The wfm HTTP service (FastAPI): auth, roles, audit, routes over the wfm engines.

The app factory is ``api.main.create_app(settings)``; this package imports nothing eagerly so
that the migrations and the CLI can load ``api.db`` alone.
"""

__all__: list[str] = []
