"""The web layer: everything that knows about Flask's request.

Its modules, imported directly (this package itself imports nothing):

- ``request``: the request's database session, the signed-in user, the
  enabled plugin set, permission checks and scoped reads;
- ``decorators``: ``login_required``, ``permission_required``;
- ``actions``: ``run_action``, ``back`` and the query arguments of a page;
- ``frame``: the page frame (menus, header, kept pages, CSRF token);
- ``user``: ``CachedUser``, the signed-in user as plain data;
- ``locale``: the language of a request;
- ``pipeline``: the request's life (before, after, teardown, errors) and
  ``install(app)``, called once by the application factory.

Services never import any of these: they take their session and user as
arguments.
"""
