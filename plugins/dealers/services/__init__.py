"""Business rules of the `dealers` plugin, one module per concern.

No Flask here: every function takes the SQLAlchemy session first, raises
``core.services.ServiceError`` with a translated message for a refused
action, and leaves the commit to the caller (one user action, one
transaction).
"""
